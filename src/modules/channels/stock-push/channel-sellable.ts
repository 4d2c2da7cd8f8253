import type { StockPolicy } from '../channels.tables.js';

/**
 * What a channel may sell of a SKU: the sellable units in its warehouses, less its safety stock, less
 * its buffer (units, or a percentage of the sellable units, rounded up: a buffer never rounds to less
 * than it says), at most `capShare` percent of the sellable units (rounded down), never below 0.
 * Never more as stock falls: a channel's level moves with the stock, in the same direction.
 */
export function channelSellable(sellable: number, policy: StockPolicy): number {
  const buffer =
    policy.buffer.kind === 'percent'
      ? Math.ceil((sellable * policy.buffer.value) / 100)
      : policy.buffer.value;
  let level = sellable - policy.safetyStock - buffer;
  if (policy.capShare !== undefined) level = Math.min(level, Math.floor((sellable * policy.capShare) / 100));
  return Math.max(0, Math.trunc(level));
}
