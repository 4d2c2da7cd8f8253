import { recordChange } from '../../platform/audit/audit-recorder.js';
import type { Db, Trx } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import {
  addOrderTimeline,
  closeOrderIfRefunded,
  lockOrder,
  recordOrderRefund,
  toOrderSnapshot,
} from '../orders/index.js';
import { enqueue } from '../sync/index.js';
import type { PaymentProviders, RefundResult } from './payment-provider.js';
import { assertPaymentTransition } from './payment-state.js';
import { paymentSnapshot } from './payment-views.js';
import {
  lockPaymentById,
  lockPaymentsOfOrder,
  type PaymentRow,
  updatePayment,
} from './payments.repository.js';
import { LOCAL_PROVIDERS } from './providers/registry.js';
import {
  claimDueRefunds,
  findRefundById,
  insertRefund,
  lockRefundById,
  type RefundRow,
  setRefundStatus,
  sumActiveRefunds,
} from './refunds.repository.js';

/**
 * Records a refund of a locked payment (the caller holds the order's lock, taken first). It is
 * checked against what the payment has left after its pending and succeeded refunds: never more.
 * Local providers (sandbox, cash on delivery) settle at once; the others stay pending until their
 * provider answers (settleDueRefunds, after commit).
 */
export async function requestPaymentRefund(
  trx: Trx,
  payment: PaymentRow,
  amount: number | undefined,
  reason: string,
  actor: string,
): Promise<RefundRow> {
  if (payment.status !== 'paid' && payment.status !== 'partially_refunded') {
    throw new AppError('illegal_transition', `Cannot refund a payment that is ${payment.status}`, {
      currentStatus: payment.status,
    });
  }
  const left = payment.amount - (await sumActiveRefunds(trx, payment.id));
  const want = amount ?? left;
  if (want <= 0 || want > left) {
    throw new AppError(
      'conflict',
      `A refund of ${want} would exceed what was paid (${left} left to refund)`,
      {
        refundable: left,
      },
    );
  }
  const refund = await insertRefund(trx, {
    id: newId(),
    payment_id: payment.id,
    order_id: payment.order_id,
    amount: want,
    currency: payment.currency,
    status: 'pending',
    reason,
  });
  await recordChange(trx, {
    action: 'payment.refund',
    resource: 'payment',
    resourceId: payment.id,
    before: { status: payment.status, refundable: left },
    after: { refundId: refund.id, amount: want, refundable: left - want, reason },
  });
  if (!LOCAL_PROVIDERS.has(payment.provider)) return refund;
  return settleRefund(
    trx,
    refund.id,
    { status: 'succeeded', providerRef: `${payment.provider}_${refund.id}` },
    actor,
  );
}

/** Applies the provider's answer to a pending refund; a settled refund is left as it is. */
export async function settleRefund(
  trx: Trx,
  refundId: string,
  result: RefundResult,
  actor: string,
): Promise<RefundRow> {
  // the order's lock first, like every other command on it
  const found = await findRefundById(trx, refundId);
  if (!found) throw notFound('Refund', refundId);
  await lockOrder(trx, found.order_id);
  const refund = (await lockRefundById(trx, refundId))!;
  if (refund.status !== 'pending' || result.status === 'pending') return refund;
  const payment = (await lockPaymentById(trx, refund.payment_id))!;
  if (result.status === 'failed') {
    const failed = await setRefundStatus(trx, refund.id, 'failed', {
      failure_reason: result.reason ?? 'refused',
    });
    await addOrderTimeline(trx, refund.order_id, {
      kind: 'payment.refund_failed',
      actor,
      message: `Refund of ${refund.amount} ${refund.currency} failed: ${failed.failure_reason}`,
      data: { refundId: refund.id },
    });
    const order = await lockOrder(trx, refund.order_id);
    await enqueue(trx, 'payments', refund.order_id, [
      {
        type: 'payment.refund_failed',
        data: {
          order: toOrderSnapshot(order),
          payment: paymentSnapshot(payment),
          amount: refund.amount,
          refundId: refund.id,
          reason: failed.failure_reason ?? '',
        },
      },
    ]);
    return failed;
  }
  const refundedAmount = payment.refunded_amount + refund.amount;
  const to = assertPaymentTransition(
    payment,
    refundedAmount === payment.amount ? 'refund_fully' : 'refund_partially',
  );
  const updated = await updatePayment(trx, payment.id, { status: to, refunded_amount: refundedAmount });
  const done = await setRefundStatus(trx, refund.id, 'succeeded', {
    provider_ref: result.providerRef ?? null,
  });
  const order = await recordOrderRefund(trx, refund.order_id, refund.amount, actor);
  await enqueue(trx, 'payments', refund.order_id, [
    {
      type: 'payment.refunded',
      data: {
        order: toOrderSnapshot(order),
        payment: paymentSnapshot(updated),
        amount: refund.amount,
        refundId: refund.id,
        reason: refund.reason,
      },
    },
  ]);
  await closeOrderIfRefunded(trx, refund.order_id, actor);
  return done;
}

/**
 * Gives back `amount` of an order across its paid intents, newest first (after-sales). The order
 * must be locked by the caller. 409 when the payments have less left than asked.
 */
export async function refundOrderAmount(
  trx: Trx,
  orderId: string,
  amount: number,
  reason: string,
  actor: string,
): Promise<RefundRow[]> {
  const payments = await lockPaymentsOfOrder(trx, orderId, ['paid', 'partially_refunded']);
  const plan: { payment: PaymentRow; amount: number }[] = [];
  let left = amount;
  for (const payment of payments) {
    if (left === 0) break;
    const take = Math.min(left, payment.amount - (await sumActiveRefunds(trx, payment.id)));
    if (take > 0) plan.push({ payment, amount: take });
    left -= take;
  }
  if (left > 0) {
    throw new AppError(
      'conflict',
      `A refund of ${amount} would exceed what was paid (${amount - left} left to refund)`,
    );
  }
  const refunds = [];
  for (const step of plan) {
    const payment = (await lockPaymentById(trx, step.payment.id))!;
    refunds.push(await requestPaymentRefund(trx, payment, step.amount, reason, actor));
  }
  return refunds;
}

/** What the order's payments still hold: paid, less every refund that is pending or done. */
export async function refundableOfOrder(trx: Trx, orderId: string): Promise<number> {
  let left = 0;
  for (const payment of await lockPaymentsOfOrder(trx, orderId, ['paid', 'partially_refunded']))
    left += payment.amount - (await sumActiveRefunds(trx, payment.id));
  return left;
}

/**
 * Calls outside providers for pending refunds (these ids, or all that are due) and records their
 * answers, each in its own transaction; no transaction is open while a provider is called.
 */
export async function settleDueRefunds(
  db: Db,
  providers: PaymentProviders,
  now: Date,
  ids?: readonly string[],
): Promise<number> {
  const remote = [...providers.values()].filter((p) => !p.local).map((p) => p.name);
  // a pending refund is tried again after a minute
  const due = await claimDueRefunds(db, remote, new Date(now.getTime() - 60_000), 20, ids);
  for (const refund of due) {
    const payment = await db
      .selectFrom('payments')
      .selectAll()
      .where('id', '=', refund.payment_id)
      .executeTakeFirstOrThrow();
    const provider = providers.get(payment.provider);
    if (!provider) continue;
    const result = await provider.refund(payment, {
      id: refund.id,
      amount: refund.amount,
      reason: refund.reason,
    });
    await inTransaction(db, (trx) => settleRefund(trx, refund.id, result, `provider:${provider.name}`));
  }
  return due.length;
}
