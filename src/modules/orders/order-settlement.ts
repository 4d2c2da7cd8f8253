import type { Trx } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors.js';
import { enqueue } from '../sync/index.js';
import { checkOrderTransition } from './order-state.js';
import { toOrderSnapshot } from './order-views.js';
import {
  insertTimeline,
  insertTimelines,
  lockOrderById,
  type OrderRow,
  updateOrder,
} from './orders.repository.js';

async function locked(trx: Trx, orderId: string): Promise<OrderRow> {
  const order = await lockOrderById(trx, orderId);
  if (!order) throw new AppError('not_found', `Order ${orderId} was not found`);
  return order;
}

/**
 * A timeline entry written by a module built on orders (payments, shipments, returns). `staffOnly`
 * keeps it from all but admin and support (a support note is not for the buyer's eyes).
 */
export interface OrderTimelineEntry {
  kind: string;
  actor: string;
  message: string;
  data?: Record<string, unknown>;
  staffOnly?: boolean;
}

export async function addOrderTimeline(trx: Trx, orderId: string, entry: OrderTimelineEntry): Promise<void> {
  await addOrderTimelines(trx, [{ orderId, ...entry }]);
}

/** Entries on several orders' timelines (a consumer's batch) in one insert. */
export async function addOrderTimelines(
  trx: Trx,
  entries: ReadonlyArray<OrderTimelineEntry & { orderId: string }>,
): Promise<void> {
  await insertTimelines(
    trx,
    entries.map(({ orderId, staffOnly, data, ...rest }) => ({
      order_id: orderId,
      ...rest,
      data: staffOnly ? { ...data, staffOnly } : data,
    })),
  );
}

/**
 * Money that arrived for a cancelled order (a payment completed after the cancel). It is recorded so
 * that the refund that follows in the same transaction balances it.
 */
export async function recordLatePayment(trx: Trx, orderId: string, amount: number, actor: string) {
  const order = await locked(trx, orderId);
  const updated = await updateOrder(trx, orderId, {
    paid_total: order.paid_total + amount,
    payment_status: 'paid',
  });
  await insertTimeline(trx, {
    order_id: orderId,
    kind: 'payment.late',
    actor,
    message: `Received ${amount} ${order.currency} after the order was ${order.status}; it is refunded`,
    data: { amount },
  });
  return updated;
}

/** Cash on delivery: the courier collected the money, the order's status stays where it is. */
export async function recordCollectedPayment(trx: Trx, orderId: string, amount: number, actor: string) {
  const order = await locked(trx, orderId);
  if (!['shipped', 'delivered', 'completed'].includes(order.status)) {
    throw new AppError(
      'illegal_transition',
      `Cash is collected on delivery, and the order is ${order.status}`,
      {
        currentStatus: order.status,
      },
    );
  }
  const paidTotal = order.paid_total + amount;
  const updated = await updateOrder(trx, orderId, {
    paid_total: paidTotal,
    payment_status: paidTotal >= order.grand_total ? 'paid' : order.payment_status,
  });
  await insertTimeline(trx, {
    order_id: orderId,
    kind: 'payment.collected',
    actor,
    message: `Cash collected on delivery: ${amount} ${order.currency}`,
    data: { amount },
  });
  return updated;
}

/** Everything paid has been given back: the order is closed, when its state allows it. */
export async function closeOrderIfRefunded(trx: Trx, orderId: string, actor: string): Promise<OrderRow> {
  const order = await locked(trx, orderId);
  const check = checkOrderTransition(order, 'close');
  if (!check.ok || order.paid_total === 0) return order;
  const closed = await updateOrder(trx, orderId, { status: check.to, closed_at: new Date() });
  await insertTimeline(trx, {
    order_id: orderId,
    kind: 'order.closed',
    from_status: order.status,
    to_status: check.to,
    actor,
    message: 'Closed: everything paid has been refunded',
  });
  await enqueue(trx, 'orders', orderId, [{ type: 'order.closed', data: { order: toOrderSnapshot(closed) } }]);
  return closed;
}

/**
 * Marks the order for a person to look at (a payment that did not match, …). With `stopClock`, the
 * unpaid-order timeout no longer applies to it: money has arrived, and only a person decides.
 */
export async function flagOrderForReview(
  trx: Trx,
  orderId: string,
  reason: string,
  actor: string,
  options: { stopClock?: boolean } = {},
) {
  await locked(trx, orderId);
  const flagged = await updateOrder(trx, orderId, {
    review_reason: reason,
    ...(options.stopClock ? { payment_due_at: null } : {}),
  });
  await insertTimeline(trx, {
    order_id: orderId,
    kind: 'order.flagged',
    actor,
    message: `Needs review: ${reason}`,
  });
  await enqueue(trx, 'orders', orderId, [
    { type: 'order.flagged', data: { order: toOrderSnapshot(flagged), reason } },
  ]);
  return flagged;
}

/**
 * An operator settled what the order was flagged for. An order still waiting for money gets a new
 * payment deadline (`paymentDueAt`), since the old one stopped when it was flagged.
 */
export async function resolveOrderReview(
  trx: Trx,
  orderId: string,
  resolution: { message: string; actor: string; paymentDueAt: Date },
): Promise<OrderRow> {
  const order = await locked(trx, orderId);
  const resolved = await updateOrder(trx, orderId, {
    review_reason: null,
    ...(order.status === 'pending_payment' ? { payment_due_at: resolution.paymentDueAt } : {}),
  });
  await insertTimeline(trx, {
    order_id: orderId,
    kind: 'order.review_resolved',
    actor: resolution.actor,
    message: `Resolved: ${resolution.message}`,
  });
  return resolved;
}

/**
 * Money that was held for review and is now given back: counted as received, so the refund that
 * follows in the same transaction balances it; the order's status stays where it is.
 */
export async function recordReturnedMoney(trx: Trx, orderId: string, amount: number, actor: string) {
  const order = await locked(trx, orderId);
  const updated = await updateOrder(trx, orderId, { paid_total: order.paid_total + amount });
  await insertTimeline(trx, {
    order_id: orderId,
    kind: 'payment.returned',
    actor,
    message: `Received ${amount} ${order.currency} that did not match what was asked; it is refunded`,
    data: { amount },
  });
  return updated;
}
