import type { Insertable } from 'kysely';
import type { Trx } from '../../platform/db/database.js';
import type { OrderPricing } from '../pricing/index.js';
import { enqueue } from '../sync/index.js';
import { assertOrderTransition } from './order-state.js';
import { toOrderSnapshot } from './order-views.js';
import {
  insertTimeline,
  type OrderLineRow,
  type OrderRow,
  updateOrder,
  writeOrderEdit,
} from './orders.repository.js';
import type { OrderAddressesTable, OrderLinesTable } from './orders.tables.js';

/** What an edit (order-edits module) writes to a locked order, priced and reserved by it. */
export interface OrderEditWrites {
  update: Array<Pick<OrderLineRow, 'id' | 'quantity' | 'line_total' | 'discount' | 'tax' | 'tax_inclusive'>>;
  insert: Insertable<OrderLinesTable>[];
  remove: string[];
  addresses: Insertable<OrderAddressesTable>[];
  totals: {
    subtotal: number;
    shipping: number;
    discount: number;
    tax: number;
    grandTotal: number;
    codFee: number;
  };
  pricing: OrderPricing;
  /** The money the order holds once the edit's refund (if any) is given back. */
  held: number;
  /** The new deadline when a paid order comes to owe money. */
  paymentDueAt: Date;
}

/**
 * Writes an edit to a locked order that has not shipped: lines, addresses, totals. A paid order
 * whose new total is more than it holds waits for the difference (`owe`: pending_payment, with a
 * deadline, and cannot ship meanwhile); an order waiting for money that now holds enough is paid.
 */
export async function applyOrderEdit(
  trx: Trx,
  order: OrderRow,
  w: OrderEditWrites,
  actor: string,
): Promise<OrderRow> {
  await writeOrderEdit(trx, order.id, w);
  const totals = {
    subtotal: w.totals.subtotal,
    shipping_total: w.totals.shipping,
    discount_total: w.totals.discount,
    tax_total: w.totals.tax,
    grand_total: w.totals.grandTotal,
    cod_fee: w.totals.codFee,
    pricing: JSON.stringify(w.pricing),
  };
  const grand = w.totals.grandTotal;
  if (order.status === 'paid' && grand > w.held) {
    const to = assertOrderTransition(order, 'owe');
    const owing = await updateOrder(trx, order.id, { ...totals, status: to, payment_due_at: w.paymentDueAt });
    await insertTimeline(trx, {
      order_id: order.id,
      kind: 'order.payment_due',
      from_status: order.status,
      to_status: to,
      actor,
      message: `The edit leaves ${grand - w.held} ${order.currency} to pay before the order ships`,
      data: { due: grand - w.held },
    });
    return owing;
  }
  if (order.status === 'pending_payment' && w.held > 0 && w.held >= grand) {
    const to = assertOrderTransition(order, 'pay');
    const paid = await updateOrder(trx, order.id, {
      ...totals,
      status: to,
      payment_status: 'paid',
      payment_due_at: null,
    });
    await insertTimeline(trx, {
      order_id: order.id,
      kind: 'order.paid',
      from_status: order.status,
      to_status: to,
      actor,
      message: `Paid in full after an edit (${grand} ${order.currency})`,
    });
    await enqueue(trx, 'orders', order.id, [{ type: 'order.paid', data: { order: toOrderSnapshot(paid) } }]);
    return paid;
  }
  return updateOrder(trx, order.id, totals);
}
