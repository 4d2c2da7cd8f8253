import type { Conn, Db, Trx } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { AppError } from '../../platform/errors.js';
import { releaseLineUnits } from '../inventory/index.js';
import { enqueue } from '../sync/index.js';
import { lockOrder } from './order-commands.js';
import type { OrderHooks } from './order-hooks.js';
import { assertOrderTransition } from './order-state.js';
import { toOrderSnapshot } from './order-views.js';
import {
  claimDeliveredOrdersBefore,
  findOrderLines,
  insertLineCancellations,
  insertTimeline,
  type OrderRow,
  sumLineCancellations,
  updateOrder,
} from './orders.repository.js';

/** Each line with what is still owed to the buyer: ordered minus cancelled units. */
export async function findOrderLineQuantities(db: Conn, orderId: string) {
  const [lines, cancelled] = await Promise.all([
    findOrderLines(db, orderId),
    sumLineCancellations(db, orderId),
  ]);
  return lines.map((l) => ({
    id: l.id,
    lineNo: l.line_no,
    sku: l.sku,
    unitPrice: l.unit_price,
    quantity: l.quantity,
    cancelled: cancelled.get(l.id) ?? 0,
    shipTo: l.ship_to,
  }));
}

/**
 * A shipment left: the order becomes partially_shipped, or shipped when `complete` (nothing owed is
 * left to ship). Called by fulfilment with the order already locked by it.
 */
export async function markOrderShipped(
  trx: Trx,
  order: OrderRow,
  input: { complete: boolean; shipmentId: string; actor: string },
): Promise<OrderRow> {
  const action = input.complete ? 'ship' : 'ship_partially';
  const to = assertOrderTransition(order, action);
  if (to === order.status) return order;
  const updated = await updateOrder(trx, order.id, {
    status: to,
    fulfillment_status: input.complete ? 'fulfilled' : 'partial',
  });
  await insertTimeline(trx, {
    order_id: order.id,
    kind: `order.${to}`,
    from_status: order.status,
    to_status: to,
    actor: input.actor,
    message: input.complete ? 'Everything has shipped' : 'Part of the order has shipped',
    data: { shipmentId: input.shipmentId },
  });
  const type = input.complete ? ('order.shipped' as const) : ('order.partially_shipped' as const);
  await enqueue(trx, 'orders', order.id, [
    { type, data: { order: toOrderSnapshot(updated), shipmentId: input.shipmentId } },
  ]);
  return updated;
}

/** Every line owed has been delivered: the order is delivered, then hooks run (cash on delivery). */
export async function markOrderDelivered(
  trx: Trx,
  order: OrderRow,
  actor: string,
  hooks: OrderHooks,
): Promise<OrderRow> {
  const to = assertOrderTransition(order, 'deliver');
  const updated = await updateOrder(trx, order.id, {
    status: to,
    fulfillment_status: 'delivered',
    delivered_at: new Date(),
  });
  await insertTimeline(trx, {
    order_id: order.id,
    kind: 'order.delivered',
    from_status: order.status,
    to_status: to,
    actor,
    message: 'Everything has been delivered',
  });
  await enqueue(trx, 'orders', order.id, [
    { type: 'order.delivered', data: { order: toOrderSnapshot(updated) } },
  ]);
  for (const hook of hooks.onDelivered) await hook(trx, updated, actor);
  return lockOrder(trx, order.id);
}

async function completeLockedOrder(trx: Trx, order: OrderRow, actor: string, automatically: boolean) {
  const to = assertOrderTransition(order, 'complete');
  const updated = await updateOrder(trx, order.id, { status: to, completed_at: new Date() });
  await insertTimeline(trx, {
    order_id: order.id,
    kind: 'order.completed',
    from_status: order.status,
    to_status: to,
    actor,
    message: automatically ? 'Completed automatically after delivery' : 'The buyer confirmed receipt',
  });
  await enqueue(trx, 'orders', order.id, [
    { type: 'order.completed', data: { order: toOrderSnapshot(updated), automatically } },
  ]);
  return updated;
}

/** POST /v1/orders/{id}/confirm-receipt. */
export function confirmReceipt(db: Db, id: string, actor: string, version?: number): Promise<OrderRow> {
  return inTransaction(db, async (trx) =>
    completeLockedOrder(trx, await lockOrder(trx, id, version), actor, false),
  );
}

/**
 * Completes orders delivered more than `days` ago, one batch per call; safe in several processes
 * (SKIP LOCKED, and the transition re-checks each row under its lock).
 */
export function completeDeliveredOrders(db: Db, now: Date, days: number, batch = 100): Promise<number> {
  return inTransaction(db, async (trx) => {
    const due = await claimDeliveredOrdersBefore(trx, new Date(now.getTime() - days * 86_400_000), batch);
    for (const order of due) await completeLockedOrder(trx, order, 'scheduler', true);
    return due.length;
  });
}

/**
 * Cancels some units of some lines before they ship (refund-only after-sales): their stock is given
 * back. The order must be locked by the caller and not yet past shipping those units.
 */
export async function cancelOrderLines(
  trx: Trx,
  order: OrderRow,
  lines: { lineId: string; quantity: number }[],
  reason: string,
  actor: string,
): Promise<OrderRow> {
  if (!['paid', 'placed', 'partially_shipped'].includes(order.status)) {
    throw new AppError('illegal_transition', `Lines of a ${order.status} order cannot be cancelled`, {
      currentStatus: order.status,
    });
  }
  await releaseLineUnits(trx, order.id, lines);
  await insertLineCancellations(
    trx,
    lines.map((l) => ({ order_id: order.id, line_id: l.lineId, quantity: l.quantity, reason })),
  );
  const updated = await updateOrder(trx, order.id, {});
  await insertTimeline(trx, {
    order_id: order.id,
    kind: 'order.lines_cancelled',
    actor,
    message: `Cancelled ${lines.reduce((s, l) => s + l.quantity, 0)} unit(s) before shipment: ${reason}`,
    data: { lines },
  });
  await enqueue(trx, 'orders', order.id, [
    { type: 'order.lines_cancelled', data: { order: toOrderSnapshot(updated), lines, reason } },
  ]);
  return updated;
}
