import { recordChange } from '../../platform/audit/audit-recorder.js';
import type { Conn, Db, Trx } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { AppError, notFound } from '../../platform/errors.js';
import { releaseForOrder } from '../inventory/index.js';
import { enqueue } from '../sync/index.js';
import type { OrderHooks } from './order-hooks.js';
import { flagOrderForReview } from './order-settlement.js';
import { assertOrderTransition } from './order-state.js';
import { toOrderSnapshot } from './order-views.js';
import {
  type ChangeWrites,
  claimOverdueUnpaidOrders,
  insertTimeline,
  lockOrderById,
  type OrderRow,
  updateOrder,
  updateOrderRecorded,
} from './orders.repository.js';

/** Locks the order for a change; a stale expected version is a 409 before anything is looked at. */
export async function lockOrder(trx: Trx, id: string, expectedVersion?: number): Promise<OrderRow> {
  const order = await lockOrderById(trx, id);
  if (!order) throw notFound('Order', id);
  if (expectedVersion !== undefined && expectedVersion !== order.version) {
    throw new AppError('stale_version', `The order is at version ${order.version}, not ${expectedVersion}`, {
      currentVersion: order.version,
    });
  }
  return order;
}

/** Cancels a locked order: releases its stock, records why, then lets hooks (refunds) run. */
export async function cancelLockedOrder(
  trx: Trx,
  order: OrderRow,
  reason: string,
  actor: string,
  hooks: OrderHooks,
): Promise<OrderRow> {
  const to = assertOrderTransition(order, 'cancel');
  const released = await releaseForOrder(trx, order.id);
  const cancelled = await updateOrder(trx, order.id, {
    status: to,
    cancelled_at: new Date(),
    cancel_reason: reason,
    payment_due_at: null,
  });
  await insertTimeline(trx, {
    order_id: order.id,
    kind: 'order.cancelled',
    from_status: order.status,
    to_status: to,
    actor,
    message: `Order cancelled: ${reason}`,
    data: {
      released: released.map((r) => ({ sku: r.sku, warehouse: r.warehouseCode, quantity: r.quantity })),
    },
  });
  await recordChange(trx, {
    action: 'order.cancel',
    resource: 'order',
    resourceId: order.id,
    before: { status: order.status },
    after: { status: to, reason },
  });
  await enqueue(trx, 'orders', order.id, [
    {
      type: 'order.cancelled',
      data: {
        order: toOrderSnapshot(cancelled),
        reason,
        released: released.map((r) => ({ sku: r.sku, warehouse: r.warehouseCode, quantity: r.quantity })),
      },
    },
  ]);
  for (const hook of hooks.onCancelled) await hook(trx, cancelled, actor);
  return (await lockOrderById(trx, order.id))!;
}

export function cancelOrder(
  db: Db,
  id: string,
  input: { reason?: string; version?: number },
  actor: string,
  hooks: OrderHooks,
): Promise<OrderRow> {
  return inTransaction(db, async (trx) => {
    const order = await lockOrder(trx, id, input.version);
    return cancelLockedOrder(trx, order, input.reason ?? 'cancelled on request', actor, hooks);
  });
}

/**
 * Records money received for an order, inside the payment's transaction, given the order as that
 * transaction locked it (lockOrder). When the order is paid in full it moves to `paid`. Refuses (409)
 * an order that no longer takes money. `alongside`: the payment's own writes, given the order as
 * this change leaves it, made in the same statement. `unchanged`: the order was read, not locked
 * (findOrderWith), and the one statement, on its own, fails whole unless the order is still as read.
 */
export async function recordOrderPayment(
  conn: Conn,
  order: OrderRow,
  amount: number,
  actor: string,
  alongside?: (after: OrderRow) => ChangeWrites,
  unchanged?: { rowVersion: string },
): Promise<OrderRow> {
  const asRead = unchanged && { version: order.version, rowVersion: unchanged.rowVersion };
  const orderId = order.id;
  if (order.status !== 'pending_payment') {
    throw new AppError('illegal_transition', `The order is ${order.status} and takes no payment`, {
      currentStatus: order.status,
    });
  }
  const paidTotal = order.paid_total + amount;
  // what the order holds now: money given back (a held payment refunded) does not count toward it
  if (paidTotal - order.refunded_total < order.grand_total) {
    return updateOrderRecorded(
      conn,
      orderId,
      { paid_total: paidTotal },
      {
        kind: 'payment.partial',
        actor,
        message: `Received ${amount}; ${order.grand_total - paidTotal} still due`,
        data: { amount },
      },
      [],
      alongside?.({ ...order, paid_total: paidTotal, version: order.version + 1 }),
      asRead,
    );
  }
  const to = assertOrderTransition(order, 'pay');
  const changes = {
    paid_total: paidTotal,
    status: to,
    payment_status: 'paid' as const,
    payment_due_at: null,
  };
  // the row the update makes, under this transaction's lock: the event is written in the same statement
  const paid = { ...order, ...changes, version: order.version + 1 };
  return updateOrderRecorded(
    conn,
    orderId,
    changes,
    {
      kind: 'order.paid',
      from_status: order.status,
      to_status: to,
      actor,
      message: `Paid in full (${order.grand_total} ${order.currency})`,
      data: { amount },
    },
    [{ type: 'order.paid', data: { order: toOrderSnapshot(paid) } }],
    alongside?.(paid),
    asRead,
  );
}

/** Records money given back; payment status becomes refunded or partially_refunded. */
export async function recordOrderRefund(
  trx: Trx,
  orderId: string,
  amount: number,
  actor: string,
): Promise<OrderRow> {
  const order = await lockOrder(trx, orderId);
  const refunded = order.refunded_total + amount;
  if (refunded > order.paid_total) {
    throw new AppError(
      'conflict',
      `A refund of ${amount} would exceed what was paid (${order.paid_total - order.refunded_total} left)`,
    );
  }
  const updated = await updateOrder(trx, orderId, {
    refunded_total: refunded,
    payment_status: refunded === order.paid_total ? 'refunded' : 'partially_refunded',
  });
  await insertTimeline(trx, {
    order_id: orderId,
    kind: 'payment.refunded',
    actor,
    message: `Refunded ${amount} ${order.currency}`,
    data: { amount },
  });
  return updated;
}

/**
 * The unpaid-order timeout, one batch per call. It never cancels an order that has received money:
 * that one is flagged for a person instead, and its clock stopped. Safe with any number of processes: rows are claimed
 * with SKIP LOCKED and each is re-checked under its lock by the cancel transition.
 */
export async function cancelOverdueOrders(
  db: Db,
  now: Date,
  hooks: OrderHooks,
  batch = 100,
): Promise<number> {
  return inTransaction(db, async (trx) => {
    const overdue = await claimOverdueUnpaidOrders(trx, now, batch);
    for (const order of overdue) {
      const held = order.paid_total - order.refunded_total;
      if (held > 0) {
        // money has arrived (part of a split payment): a person decides, the clock does not
        await flagOrderForReview(
          trx,
          order.id,
          `payment overdue with ${held} of ${order.grand_total} ${order.currency} received`,
          'scheduler',
          { stopClock: true },
        );
      } else await cancelLockedOrder(trx, order, 'payment_timeout', 'scheduler', hooks);
    }
    return overdue.length;
  });
}
