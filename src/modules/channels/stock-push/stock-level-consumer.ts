import { Value } from 'typebox/value';
import type { Trx } from '../../../platform/db/database.js';
import type { EventConsumer } from '../../../platform/module.js';
import { findWarehouse } from '../../inventory/index.js';
import { EventCatalogue } from '../../sync/index.js';
import { bumpStockVersions, channelsServingWarehouse } from './stock-levels.repository.js';
import { STOCK_PUSH_KINDS } from './stock-targets.js';

/** Warehouse id → code; a code names a warehouse for good (channels list codes), kept a minute. */
const codes = new Map<string, { code: string; until: number }>();

/**
 * The channels serving a warehouse, read once per consumer transaction: the relay hands this consumer
 * a batch of changes in one transaction (deliver-round.ts), mostly of the same few warehouses.
 */
const servingInTransaction = new WeakMap<object, Map<string, Promise<string[]>>>();

function channelsServing(trx: Trx, code: string): Promise<string[]> {
  const memo = servingInTransaction.get(trx) ?? new Map<string, Promise<string[]>>();
  servingInTransaction.set(trx, memo);
  const channels = memo.get(code) ?? channelsServingWarehouse(trx, code, STOCK_PUSH_KINDS);
  memo.set(code, channels);
  return channels;
}

/**
 * Each stock change marks the SKU due for every channel selling from that warehouse: one upsert that
 * bumps the (channel, sku) version. Runs in the relay's consumer transaction, so exactly once per
 * change. Changes coalesce there: the pusher reads the stock when it sends, so whatever the number of
 * changes since the last push, the channel gets one level, the latest (stock-pusher.ts).
 */
export const stockLevelsToChannels: EventConsumer = {
  name: 'channels-stock-levels',
  eventTypes: ['stock.level_changed'],
  async handle(event, trx) {
    const data = event.data;
    if (!Value.Check(EventCatalogue['stock.level_changed'], data))
      throw new Error('not a stock.level_changed payload');
    let known = codes.get(data.warehouseId);
    if (!known || known.until < Date.now()) {
      const warehouse = await findWarehouse(trx, data.warehouseId);
      if (!warehouse) return;
      known = { code: warehouse.code, until: Date.now() + 60_000 };
      codes.set(data.warehouseId, known);
    }
    const channels = await channelsServing(trx, known.code);
    if (channels.length > 0) await bumpStockVersions(trx, channels, data.sku);
  },
  // All its work is in the database, so a batch may share one transaction (and the channels read).
  async handleBatch(events, trx) {
    for (const event of events) await stockLevelsToChannels.handle(event, trx);
  },
};
