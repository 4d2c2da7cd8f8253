import { createReadStream } from 'node:fs';
import { PassThrough } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { type HistoricalOrder, importHistoricalOrders } from '../modules/orders/index.js';
import type { Db } from '../platform/db/database.js';
import { type Skipped, UciInvoiceGrouper, type UciRow } from './uci-invoices.js';

export interface HistoryLoad {
  lines: number;
  invoices: number;
  ordersAdded: number;
  /** Orders of this file already in the order book (a second run adds nothing). */
  ordersAlreadyThere: number;
  skipped: Skipped;
}

/**
 * Streams the UCI Online Retail CSV (gzipped or not) into the order book as completed orders, a
 * batch of invoices per transaction; the file is never held in memory whole.
 */
export async function loadUciHistory(
  db: Db,
  path: string,
  options: { channel?: string; batchSize?: number } = {},
): Promise<HistoryLoad> {
  const grouper = new UciInvoiceGrouper(options.channel ?? 'uci-online-retail');
  const batchSize = options.batchSize ?? 500;
  const load: HistoryLoad = {
    lines: 0,
    invoices: 0,
    ordersAdded: 0,
    ordersAlreadyThere: 0,
    skipped: grouper.skipped,
  };
  let batch: HistoricalOrder[] = [];
  const write = async () => {
    const added = await importHistoricalOrders(db, batch);
    load.ordersAdded += added;
    load.ordersAlreadyThere += batch.length - added;
    batch = [];
  };
  await pipeline(
    createReadStream(path),
    path.endsWith('.gz') ? createGunzip() : new PassThrough(),
    parse({ columns: true, skip_empty_lines: true }),
    async (rows: AsyncIterable<UciRow>) => {
      for await (const row of rows) {
        load.lines++;
        batch.push(...grouper.add(row));
        if (batch.length >= batchSize) await write();
      }
      batch.push(...grouper.flush());
      await write();
    },
  );
  load.invoices = grouper.invoices;
  return load;
}
