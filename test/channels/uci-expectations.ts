import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { parse } from 'csv-parse';
import { UCI_ONLINE_RETAIL } from '../../src/modules/channels/index.js';

/**
 * What importing a UCI Online Retail file must give, worked out apart from the importer (no grouper, no
 * checkpoint: every line at once, by invoice, in a Map): invoices, which are cancelled, which have no
 * goods line, how many goods lines and pence the placed ones hold.
 */
export async function uciExpectations(path: string) {
  const invoices = new Map<string, { goodsLines: number; pence: number }>();
  let lines = 0;
  const source = createReadStream(path);
  const rows = (path.endsWith('.gz') ? source.pipe(createGunzip()) : source).pipe(parse({ columns: true }));
  const nonProduct = new Set(UCI_ONLINE_RETAIL.nonProductSkus);
  const shipping = new Set(UCI_ONLINE_RETAIL.shippingSkus);
  for await (const row of rows as AsyncIterable<Record<string, string>>) {
    lines++;
    const invoice = invoices.get(row.InvoiceNo!) ?? { goodsLines: 0, pence: 0 };
    invoices.set(row.InvoiceNo!, invoice);
    const quantity = Number(row.Quantity);
    const price = Math.round(Number(row.UnitPrice) * 100);
    if (row.InvoiceNo!.startsWith('C') || quantity <= 0 || price <= 0 || nonProduct.has(row.StockCode!))
      continue;
    invoice.pence += quantity * price;
    if (!shipping.has(row.StockCode!)) invoice.goodsLines++;
  }
  const all = [...invoices];
  const cancelled = all.filter(([no]) => no.startsWith('C')).length;
  const placed = all.filter(([no, i]) => !no.startsWith('C') && i.goodsLines > 0);
  return {
    lines,
    invoices: invoices.size,
    cancelled,
    noGoods: invoices.size - cancelled - placed.length,
    placed: placed.length,
    goodsLines: placed.reduce((sum, [, i]) => sum + i.goodsLines, 0),
    pence: placed.reduce((sum, [, i]) => sum + i.pence, 0),
  };
}

/** A file channel through the API; its id. */
export async function createFileChannel(
  request: (o: {
    method: 'POST';
    url: string;
    payload: object;
  }) => Promise<{ statusCode: number; json(): { id: string } }>,
  code: string,
  currency = 'GBP',
): Promise<string> {
  const res = await request({
    method: 'POST',
    url: '/v1/channels',
    payload: { code, kind: 'file', name: `File ${code}`, currency },
  });
  if (res.statusCode !== 201) throw new Error(`channel ${code}: ${res.statusCode}`);
  return res.json().id;
}
