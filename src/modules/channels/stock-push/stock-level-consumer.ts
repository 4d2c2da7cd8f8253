import type { Trx } from '../../../platform/db/database.js';
import type { ConsumedEvent, EventConsumer } from '../../../platform/module.js';
import { findWarehouse } from '../../inventory/index.js';
import { isEventData } from '../../sync/index.js';
import { STOCK_LEVEL_KINDS } from './stock-adapters.js';
import {
  bumpStockVersions,
  bumpStockVersionsOf,
  channelsServingWarehouse,
} from './stock-levels.repository.js';

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
  const channels = memo.get(code) ?? channelsServingWarehouse(trx, code, STOCK_LEVEL_KINDS);
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
    const change = await channelsOfChange(trx, event);
    if (change && change.channels.length > 0) await bumpStockVersions(trx, change.channels, change.sku);
  },
  /**
   * A relay batch (one change per SKU and warehouse) in one statement: at a thousand changes a second,
   * a transaction per change was the relay's backlog and so most of a change's way to the channel.
   */
  async handleBatch(events, trx) {
    const pairs: { channelId: string; sku: string }[] = [];
    for (const event of events) {
      const change = await channelsOfChange(trx, event);
      for (const channelId of change?.channels ?? []) pairs.push({ channelId, sku: change!.sku });
    }
    await bumpStockVersionsOf(trx, pairs);
  },
};

/** The SKU of a stock change and the channels selling from its warehouse (none if it is gone). */
async function channelsOfChange(
  trx: Trx,
  event: ConsumedEvent,
): Promise<{ sku: string; channels: string[] } | undefined> {
  const data = event.data;
  if (!isEventData('stock.level_changed', data)) throw new Error('not a stock.level_changed payload');
  let known = codes.get(data.warehouseId);
  if (!known || known.until < Date.now()) {
    const warehouse = await findWarehouse(trx, data.warehouseId);
    if (!warehouse) return undefined;
    known = { code: warehouse.code, until: Date.now() + 60_000 };
    codes.set(data.warehouseId, known);
  }
  return { sku: data.sku, channels: await channelsServing(trx, known.code) };
}
