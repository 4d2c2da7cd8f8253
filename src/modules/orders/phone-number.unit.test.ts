import { describe, expect, it } from 'vitest';
import { normalizePhone, phoneSpellings, toE164 } from './phone-number.js';

describe('phone numbers', () => {
  it('reads every common spelling of a Chinese mobile as one E.164 number', () => {
    for (const spelling of [
      '13800000000',
      '138 0000 0000',
      '138-0000-0000',
      '+86 13800000000',
      '+86 138 0000 0000',
      '+8613800000000',
      '008613800000000',
      '86 138 0000 0000',
    ]) {
      expect(toE164(spelling), spelling).toBe('+8613800000000');
    }
  });

  it('reads a number without a country code in the given region', () => {
    expect(toE164('(415) 555-2671', 'US')).toBe('+14155552671');
    expect(toE164('021 6888 8888', 'CN')).toBe('+862168888888');
    // an unknown region falls back to the home market
    expect(toE164('13800000000', 'ZZ')).toBe('+8613800000000');
  });

  it('keeps what is not a valid number as written, and searches for both spellings', () => {
    expect(toE164('138****0000')).toBeUndefined();
    expect(toE164('12345')).toBeUndefined();
    expect(normalizePhone(' 138****0000 ')).toBe('138****0000');
    expect(phoneSpellings('138 0000 0000')).toEqual(['+8613800000000', '138 0000 0000']);
    expect(phoneSpellings('+8613800000000')).toEqual(['+8613800000000']);
    expect(phoneSpellings('12345')).toEqual(['12345']);
  });
});
