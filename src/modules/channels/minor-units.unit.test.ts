import { describe, expect, it } from 'vitest';
import { toMinorUnits } from './minor-units.js';

describe('toMinorUnits', () => {
  it('reads decimal text exactly, in each currency’s minor unit', () => {
    expect(toMinorUnits('199.00', 'USD')).toBe(19900);
    expect(toMinorUnits('0.1', 'USD') + toMinorUnits('0.2', 'USD')).toBe(30);
    expect(toMinorUnits('1500', 'JPY')).toBe(1500);
    expect(toMinorUnits('1.234', 'KWD')).toBe(1234);
    expect(toMinorUnits(12.5, 'EUR')).toBe(1250);
    expect(toMinorUnits('1.005', 'USD')).toBe(101);
    expect(toMinorUnits(null, 'USD')).toBe(0);
  });

  it('reads a yen as a yen: JPY has no minor unit, so "1500" is 1500 and "1500.4" rounds to 1500', () => {
    expect(toMinorUnits('1500', 'JPY')).toBe(1500);
    expect(toMinorUnits(1500, 'JPY')).toBe(1500);
    expect(toMinorUnits('1500.4', 'JPY')).toBe(1500);
    expect(toMinorUnits('1500.5', 'JPY')).toBe(1501);
    expect(toMinorUnits('1500.00', 'JPY', { exact: true })).toBe(1500);
    expect(() => toMinorUnits('1500.5', 'JPY', { exact: true })).toThrow(/more decimals than JPY/);
  });

  it('rounds half away from zero on the first dropped digit, or refuses extra decimals when exact', () => {
    expect(toMinorUnits('2.55', 'GBP')).toBe(255);
    expect(toMinorUnits('0.001', 'USD')).toBe(0);
    expect(toMinorUnits('-11062.06', 'GBP')).toBe(-1106206);
    expect(toMinorUnits('11.010', 'USD', { exact: true })).toBe(1101);
    expect(() => toMinorUnits('11.015', 'USD', { exact: true })).toThrow(/more decimals/);
  });

  it('refuses what is not an amount', () => {
    expect(() => toMinorUnits('1e5', 'USD')).toThrow(/not an amount/);
    expect(() => toMinorUnits('12,50', 'EUR')).toThrow(/not an amount/);
  });
});
