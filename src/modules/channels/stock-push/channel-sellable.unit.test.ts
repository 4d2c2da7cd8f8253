import { describe, expect, it } from 'vitest';
import type { StockPolicy } from '../channels.tables.js';
import { channelSellable } from './channel-sellable.js';

const policy = (p: Partial<StockPolicy> = {}): StockPolicy => ({
  safetyStock: 0,
  buffer: { kind: 'absolute', value: 0 },
  ...p,
});

describe('a channel sellable quantity', () => {
  it('is the sellable units less safety stock and buffer, never below zero', () => {
    expect(channelSellable(100, policy())).toBe(100);
    expect(channelSellable(100, policy({ safetyStock: 5, buffer: { kind: 'absolute', value: 10 } }))).toBe(
      85,
    );
    expect(channelSellable(12, policy({ safetyStock: 5, buffer: { kind: 'absolute', value: 10 } }))).toBe(0);
  });

  it('takes a percentage buffer rounded up and a cap to a share rounded down', () => {
    expect(channelSellable(101, policy({ buffer: { kind: 'percent', value: 10 } }))).toBe(90); // 10.1 → 11 held back
    expect(channelSellable(101, policy({ capShare: 50 }))).toBe(50);
    expect(channelSellable(10, policy({ safetyStock: 2, capShare: 50 }))).toBe(5);
    expect(channelSellable(10, policy({ safetyStock: 7, capShare: 50 }))).toBe(3);
  });

  it('never rises when stock falls', () => {
    const p = policy({ safetyStock: 3, buffer: { kind: 'percent', value: 15 }, capShare: 60 });
    for (let s = 1; s <= 500; s++)
      expect(channelSellable(s, p)).toBeGreaterThanOrEqual(channelSellable(s - 1, p));
  });
});
