import type { Db, Trx } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import { enqueue } from '../sync/index.js';
import { type HistoricalOrderColumns, insertHistoricalOrders } from './historical-orders.repository.js';

/** A finished order from an earlier system, as a loader hands it over (already cleaned). */
export interface HistoricalOrder {
  /** Unique across the order book; loading the same number again is a no-op. */
  number: string;
  channel: string;
  placedAt: Date;
  currency: string;
  customer: { email: string; name: string | null };
  lines: { sku: string; title: string; unitPrice: number; quantity: number }[];
  shippingTotal: number;
  /** Where it came from, kept on the order's timeline entry. */
  source: Record<string, unknown>;
}

/**
 * Loads a batch of historical orders as completed and paid, in one transaction. Stock is not touched:
 * what these orders took left the warehouses long ago. Returns how many were new, and tells
 * analytics about those in one `history.orders_imported` event.
 */
export async function importHistoricalOrders(db: Db, orders: HistoricalOrder[]): Promise<number> {
  if (orders.length === 0) return 0;
  return db.transaction().execute((trx) => writeHistoricalOrders(trx, orders));
}

/** The same inside the caller's transaction (a file import writes its checkpoint in it too). */
export async function writeHistoricalOrders(trx: Trx, orders: HistoricalOrder[]): Promise<number> {
  if (orders.length === 0) return 0;
  const columns: HistoricalOrderColumns = {
    orders: {
      id: [],
      number: [],
      channel: [],
      customer_email: [],
      customer_name: [],
      currency: [],
      subtotal: [],
      shipping_total: [],
      grand_total: [],
      placed_at: [],
      timeline_id: [],
      message: [],
      data: [],
    },
    lines: { id: [], order_id: [], line_no: [], sku: [], title: [], unit_price: [], quantity: [] },
  };
  const c = columns.orders;
  const l = columns.lines;
  for (const o of orders) {
    const id = newId();
    let subtotal = 0;
    for (let i = 0; i < o.lines.length; i++) {
      const line = o.lines[i]!;
      subtotal += line.unitPrice * line.quantity;
      l.id.push(newId());
      l.order_id.push(id);
      l.line_no.push(i + 1);
      l.sku.push(line.sku);
      l.title.push(line.title);
      l.unit_price.push(line.unitPrice);
      l.quantity.push(line.quantity);
    }
    c.id.push(id);
    c.number.push(o.number);
    c.channel.push(o.channel);
    c.customer_email.push(o.customer.email);
    c.customer_name.push(o.customer.name);
    c.currency.push(o.currency);
    c.subtotal.push(subtotal);
    c.shipping_total.push(o.shippingTotal);
    c.grand_total.push(subtotal + o.shippingTotal);
    c.placed_at.push(o.placedAt.toISOString());
    c.timeline_id.push(newId());
    c.message.push(`Order ${o.number} imported from history`);
    c.data.push(JSON.stringify(o.source));
  }
  const written = await insertHistoricalOrders(trx, columns);
  // One event per batch, not per order (history.orders_imported, not order.*): analytics builds its
  // facts of these orders from it, and no order subscriber hears of them.
  if (written.length > 0)
    await enqueue(trx, 'orders', `history:${newId()}`, [
      { type: 'history.orders_imported', data: { orderIds: written } },
    ]);
  return written.length;
}
