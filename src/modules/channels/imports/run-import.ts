import type { Db, Trx } from '../../../platform/db/database.js';
import { inTransaction } from '../../../platform/db/transaction.js';
import { type HistoricalOrder, type OrderHooks, writeHistoricalOrders } from '../../orders/index.js';
import type { ChannelOrder } from '../channel-order.js';
import { receiveChannelOrderIn } from '../receive-channel-order.js';
import { readLine } from './column-mapping.js';
import { type ChannelImportRow, insertImportErrors, saveCheckpoint } from './imports.repository.js';
import { type FileOrder, OrderGrouper } from './order-grouper.js';
import { readRecords } from './record-reader.js';

/** How many rejections an import keeps to show (all are counted). */
export const ERRORS_KEPT = 1000;

export interface RunOptions {
  leaseSeconds: number;
  /** Orders' life-cycle hooks, for live imports through the channel intake. */
  orderHooks: OrderHooks;
  /** Lines per transaction (orders, rejections and checkpoint together). */
  batchLines?: number;
}

/** Another worker took the import over (this one was too slow to renew its lease): stop, write nothing. */
export class LostLease extends Error {}

/**
 * Reads an import's file from its checkpoint to the end, a batch of lines per transaction: the batch's
 * orders, its rejections and the new checkpoint (the lines read, the orders still open) commit together,
 * so a worker killed at any moment leaves the import exactly at a checkpoint, and a second worker goes
 * on from there. Orders are unique by number (`<CHANNEL>-<order id>`), so even a file imported twice
 * adds nothing the second time.
 */
export async function runImport(
  db: Db,
  job: ChannelImportRow,
  owner: string,
  options: RunOptions,
): Promise<void> {
  const batchLines = options.batchLines ?? 5000;
  const grouper = new OrderGrouper(job.mapping, job.checkpoint ?? undefined, job.rejected);
  const progress = {
    rows_read: job.rows_read,
    orders_placed: job.orders_placed,
    orders_already_there: job.orders_already_there,
    orders_held: job.orders_held,
    errors_kept: job.errors_kept,
    line: job.checkpoint_line,
  };
  const reader = readRecords(job.file_path, job.format, job.gzipped);
  let orders: FileOrder[] = [];
  let pending = 0;
  // One batch is written while the next is read: parsing and the database overlap.
  let writing: Promise<void> = Promise.resolve();

  /** Starts writing the batch so far, once the one before it has committed (they commit in order). */
  const commit = async (final: boolean) => {
    await writing;
    const batch = orders;
    orders = [];
    pending = 0;
    const rejections = grouper.takeRejections();
    const kept = rejections.slice(0, Math.max(0, ERRORS_KEPT - progress.errors_kept));
    // Taken now: the grouper moves on while the transaction runs.
    const read = {
      rows_read: progress.rows_read,
      orders_read: grouper.orders,
      rows_rejected: Object.values(grouper.tally.lines).reduce((a, b) => a + (b ?? 0), 0),
      checkpoint_line: progress.line,
      rejected: JSON.stringify(grouper.tally),
      checkpoint: JSON.stringify(grouper.state()),
      bytes_read: reader.bytesRead(),
      status: final ? ('completed' as const) : ('running' as const),
    };
    writing = inTransaction(db, async (trx) => {
      const { placed, held } = await writeOrders(trx, job, batch, options.orderHooks);
      const alreadyThere = job.dry_run ? 0 : batch.length - placed - held;
      await insertImportErrors(trx, job.id, kept);
      const saved = await saveCheckpoint(trx, job.id, owner, options.leaseSeconds, {
        ...read,
        orders_placed: progress.orders_placed + placed,
        orders_already_there: progress.orders_already_there + alreadyThere,
        orders_held: progress.orders_held + held,
        errors_kept: progress.errors_kept + kept.length,
      });
      if (!saved) throw new LostLease(`import ${job.id} was taken over by another worker`);
      return { placed, alreadyThere, held };
    }).then(({ placed, alreadyThere, held }) => {
      progress.orders_placed += placed;
      progress.orders_held += held;
      progress.orders_already_there += alreadyThere;
      progress.errors_kept += kept.length;
    });
    // Its failure is met at the next batch or the end; until then it is not an unhandled one.
    writing.catch(() => undefined);
    if (final) await writing;
  };

  try {
    for await (const item of reader.records) {
      if (item.line <= job.checkpoint_line) continue;
      progress.rows_read++;
      progress.line = item.line;
      const line = item.problem
        ? { line: item.line, externalId: '', problem: item.problem }
        : readLine(item.record, item.line, job.mapping, job.currency);
      for (const order of grouper.add(line)) orders.push(order);
      if (++pending >= batchLines) await commit(false);
    }
    for (const order of grouper.flush()) orders.push(order);
    await commit(true);
  } finally {
    await writing.catch(() => undefined);
    reader.close();
  }
}

/**
 * The batch's orders into the order book: how many were new (and, live, how many of those are held).
 * Historical: completed, stock untouched, in one statement. Live: each through the channel intake,
 * one canonical order per (channel, externalId), SKUs through the channel's map. A dry run writes none.
 */
async function writeOrders(
  trx: Trx,
  job: ChannelImportRow,
  orders: FileOrder[],
  hooks: OrderHooks,
): Promise<{ placed: number; held: number }> {
  if (job.dry_run) return { placed: orders.length, held: 0 };
  if (job.historical) {
    const to = {
      channel: job.channel_code,
      currency: job.currency,
      numberPrefix: job.channel_code,
      importId: job.id,
    };
    return {
      placed: await writeHistoricalOrders(
        trx,
        orders.map((o) => toHistoricalOrder(o, to)),
      ),
      held: 0,
    };
  }
  const channel = { id: job.channel_id, code: job.channel_code };
  let placed = 0;
  let held = 0;
  for (const o of orders) {
    const result = await receiveChannelOrderIn(
      trx,
      hooks,
      channel,
      toChannelOrder(o, job),
      `import:${job.id}`,
    );
    if (result.outcome === 'placed') placed++;
    if (result.outcome === 'held') held++;
  }
  return { placed, held };
}

/** A file's order as the channel intake takes it: as the file says, paid unless the mapping says not. */
function toChannelOrder(o: FileOrder, job: Pick<ChannelImportRow, 'currency' | 'mapping'>): ChannelOrder {
  const subtotal = o.lines.reduce((sum, l) => sum + l.unitPrice * l.quantity, 0);
  return {
    externalId: o.externalId.slice(0, 128),
    number: o.externalId.slice(0, 64),
    updatedAt: o.placedAt.toISOString(),
    createdAt: o.placedAt.toISOString(),
    status: 'open',
    paid: job.mapping.paid ?? true,
    currency: job.currency,
    lines: o.lines.map((l) => ({
      channelSku: l.sku.slice(0, 128),
      title: l.title.slice(0, 500),
      quantity: l.quantity,
      unitPrice: l.unitPrice,
    })),
    shippingTotal: o.shippingTotal,
    discountTotal: 0,
    taxTotal: 0,
    grandTotal: subtotal + o.shippingTotal,
    customer: {},
  };
}

/** A file's order as a finished order of the channel: `<PREFIX>-<order id>`, the file's prices kept. */
export function toHistoricalOrder(
  o: FileOrder,
  to: { channel: string; currency: string; numberPrefix: string; importId?: string },
): HistoricalOrder {
  return {
    number: orderNumber(to.numberPrefix, o.externalId),
    channel: to.channel,
    placedAt: o.placedAt,
    currency: to.currency,
    customer: {
      email: `${o.customer ? `customer-${o.customer}` : 'guest'}@${to.channel}.invalid`,
      name: null,
    },
    lines: o.lines,
    shippingTotal: o.shippingTotal,
    source: {
      ...(to.importId ? { import: to.importId } : {}),
      externalId: o.externalId,
      line: o.firstLine,
      customerId: o.customer || null,
      country: o.country || null,
    },
  };
}

/** Order numbers are unique in the order book, so the channel's prefix keeps two channels' ids apart. */
export const orderNumber = (prefix: string, externalId: string) => `${prefix.toUpperCase()}-${externalId}`;
