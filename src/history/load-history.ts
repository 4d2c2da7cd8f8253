import {
  type FileOrder,
  OrderGrouper,
  readLine,
  readRecords,
  type Tally,
  toHistoricalOrder,
  UCI_ONLINE_RETAIL,
} from '../modules/channels/index.js';
import { type HistoricalOrder, importHistoricalOrders } from '../modules/orders/index.js';
import type { Db } from '../platform/db/database.js';

export interface HistoryLoad {
  lines: number;
  invoices: number;
  ordersAdded: number;
  /** Orders of this file already in the order book (a second run adds nothing). */
  ordersAlreadyThere: number;
  skipped: Tally;
}

/**
 * Streams the UCI Online Retail CSV (gzipped or not) into the order book as completed orders, a
 * batch of invoices per transaction; the file is never held in memory whole. The same reading,
 * grouping and rules as a file channel's historical import (channels module), without an import job:
 * a command-line load of demo history, numbered `UCI-<InvoiceNo>`.
 */
export async function loadUciHistory(
  db: Db,
  path: string,
  options: { channel?: string; batchSize?: number } = {},
): Promise<HistoryLoad> {
  const to = { channel: options.channel ?? 'uci-online-retail', currency: 'GBP', numberPrefix: 'UCI' };
  const grouper = new OrderGrouper(UCI_ONLINE_RETAIL);
  const batchSize = options.batchSize ?? 500;
  const load: HistoryLoad = {
    lines: 0,
    invoices: 0,
    ordersAdded: 0,
    ordersAlreadyThere: 0,
    skipped: grouper.tally,
  };
  let batch: HistoricalOrder[] = [];
  const take = (orders: FileOrder[]) => {
    for (const o of orders) batch.push(toHistoricalOrder(o, to));
  };
  const write = async () => {
    const added = await importHistoricalOrders(db, batch);
    load.ordersAdded += added;
    load.ordersAlreadyThere += batch.length - added;
    batch = [];
  };
  const reader = readRecords(path, 'csv', path.endsWith('.gz'));
  try {
    for await (const item of reader.records) {
      load.lines++;
      take(
        grouper.add(
          item.problem
            ? { line: item.line, externalId: '', problem: item.problem }
            : readLine(item.record, item.line, UCI_ONLINE_RETAIL, to.currency),
        ),
      );
      if (batch.length >= batchSize) await write();
    }
    take(grouper.flush());
    await write();
  } finally {
    reader.close();
  }
  load.invoices = grouper.orders;
  return load;
}
