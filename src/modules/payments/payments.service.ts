import type { Conn, Db, Trx } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import {
  lockOrder,
  type OrderRow,
  recordOrderPayment,
  recordOrderRefund,
  toOrderSnapshot,
} from '../orders/index.js';
import { enqueue } from '../sync/index.js';
import {
  cancelOpenPayments,
  findPaymentById,
  findPaymentsOfOrder,
  insertPayment,
  lockPaymentById,
  markPaidPaymentsRefunded,
  type PaymentRow,
  setPaymentStatus,
  sumOpenPayments,
} from './payments.repository.js';
import type { Payment } from './payments.schemas.js';

export function toPayment(p: PaymentRow): Payment {
  return {
    id: p.id,
    orderId: p.order_id,
    provider: p.provider,
    status: p.status,
    amount: p.amount,
    currency: p.currency,
    providerRef: p.provider_ref,
    createdAt: p.created_at.toISOString(),
    paidAt: p.paid_at?.toISOString() ?? null,
  };
}

const snapshot = (p: PaymentRow) => ({
  id: p.id,
  provider: p.provider,
  amount: p.amount,
  currency: p.currency,
  status: p.status,
});

/**
 * Opens a payment intent for (part of) what an order still owes. Several intents may together pay
 * one order (split payment); they can never add up to more than is due.
 */
export function createPayment(
  db: Db,
  orderId: string,
  input: { provider: string; amount?: number },
): Promise<Payment> {
  return inTransaction(db, async (trx) => {
    const order = await lockOrder(trx, orderId);
    if (order.status !== 'pending_payment') {
      throw new AppError('illegal_transition', `The order is ${order.status} and takes no payment`, {
        currentStatus: order.status,
      });
    }
    const due = order.grand_total - order.paid_total - (await sumOpenPayments(trx, orderId));
    const amount = input.amount ?? due;
    if (amount <= 0 || amount > due) {
      throw new AppError('unprocessable', `The amount must be between 1 and ${due}, what is still open`, {
        errors: [{ field: 'body.amount', message: `must be between 1 and ${due}` }],
      });
    }
    const payment = await insertPayment(trx, {
      id: newId(),
      order_id: orderId,
      provider: input.provider,
      status: 'pending',
      amount,
      currency: order.currency,
      provider_ref: `sbx_${newId().replaceAll('-', '').slice(-20)}`,
    });
    await enqueue(trx, 'payments', orderId, [
      { type: 'payment.created', data: { order: toOrderSnapshot(order), payment: snapshot(payment) } },
    ]);
    return toPayment(payment);
  });
}

/**
 * The sandbox provider's "customer paid" action. Idempotent: paying a paid intent again answers
 * the same payment and changes nothing.
 */
export function paySandboxPayment(db: Db, paymentId: string, actor: string): Promise<Payment> {
  return inTransaction(db, async (trx) => {
    const payment = await lockPaymentById(trx, paymentId);
    if (!payment) throw notFound('Payment', paymentId);
    if (payment.provider !== 'sandbox')
      throw new AppError('conflict', 'Only sandbox payments can be paid by this action');
    if (payment.status === 'paid') return toPayment(payment);
    if (payment.status !== 'pending') {
      throw new AppError('illegal_transition', `The payment is ${payment.status}`, {
        currentStatus: payment.status,
      });
    }
    const order = await recordOrderPayment(trx, payment.order_id, payment.amount, actor);
    const paid = await setPaymentStatus(trx, paymentId, 'paid', { paid_at: new Date() });
    await enqueue(trx, 'payments', payment.order_id, [
      { type: 'payment.succeeded', data: { order: toOrderSnapshot(order), payment: snapshot(paid) } },
    ]);
    return toPayment(paid);
  });
}

export async function getPayment(db: Db, id: string): Promise<Payment> {
  const p = await findPaymentById(db, id);
  if (!p) throw notFound('Payment', id);
  return toPayment(p);
}

/** Order hook: a cancelled order gives back everything it was paid and voids open intents. */
export async function refundCancelledOrder(trx: Trx, order: OrderRow, actor: string): Promise<void> {
  await cancelOpenPayments(trx, order.id);
  const refunded = await markPaidPaymentsRefunded(trx, order.id);
  let current = order;
  for (const p of refunded) {
    current = await recordOrderRefund(trx, order.id, p.amount, actor);
    await enqueue(trx, 'payments', order.id, [
      {
        type: 'payment.refunded',
        data: { order: toOrderSnapshot(current), payment: snapshot(p), amount: p.amount },
      },
    ]);
  }
}

/** Order hook: the payments section of GET /v1/orders/{id}. */
export async function paymentsSection(db: Conn, orderId: string) {
  return { payments: (await findPaymentsOfOrder(db, orderId)).map(toPayment) };
}
