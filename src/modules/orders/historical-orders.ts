import type { Db, Trx } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import { enqueue } from '../sync/index.js';
import { insertHistoricalOrders } from './historical-orders.repository.js';

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
  const rows = orders.map((o) => {
    const subtotal = o.lines.reduce((sum, l) => sum + l.unitPrice * l.quantity, 0);
    return {
      id: newId(),
      number: o.number,
      channel: o.channel,
      customer_email: o.customer.email,
      customer_name: o.customer.name,
      currency: o.currency,
      subtotal,
      shipping_total: o.shippingTotal,
      grand_total: subtotal + o.shippingTotal,
      placed_at: o.placedAt,
      lines: o.lines.map((l, i) => ({
        id: newId(),
        line_no: i + 1,
        sku: l.sku,
        title: l.title,
        unit_price: l.unitPrice,
        quantity: l.quantity,
      })),
      timeline: { id: newId(), message: `Order ${o.number} imported from history`, data: o.source },
    };
  });
  const written = await insertHistoricalOrders(trx, rows);
  // One event per batch, not per order (history.orders_imported, not order.*): analytics builds its
  // facts of these orders from it, and no order subscriber hears of them.
  if (written.length > 0)
    await enqueue(trx, 'orders', `history:${newId()}`, [
      { type: 'history.orders_imported', data: { orderIds: written } },
    ]);
  return written.length;
}
