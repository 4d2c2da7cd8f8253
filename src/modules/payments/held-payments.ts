import type { Db, Trx } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { AppError, notFound } from '../../platform/errors.js';
import {
  flagOrderForReview,
  lockOrder,
  type OrderRow,
  recordOrderPayment,
  recordReturnedMoney,
  resolveOrderReview,
  toOrderSnapshot,
} from '../orders/index.js';
import { enqueue } from '../sync/index.js';
import type { PaymentProviders } from './payment-provider.js';
import { assertPaymentTransition } from './payment-state.js';
import { paymentSnapshot, toPayment } from './payment-views.js';
import { findPaymentById, lockPaymentById, type PaymentRow, updatePayment } from './payments.repository.js';
import type { Payment, ResolvePaymentBody } from './payments.schemas.js';
import { requestPaymentRefund, settleDueRefunds } from './refunds.js';

/**
 * A verified provider message says money arrived, but not the amount (or currency) the intent
 * asked for. The money is real, so it is recorded on the intent (held), the order is flagged and its
 * unpaid-order clock stopped; an operator then accepts or refunds it (resolveHeldPayment).
 */
export async function holdPayment(
  trx: Trx,
  order: OrderRow,
  payment: PaymentRow,
  received: { amount?: number; currency?: string; providerTradeNo?: string },
  actor: string,
): Promise<void> {
  const reason = `${payment.provider} reported ${received.amount ?? '?'} ${received.currency ?? '?'} for payment ${payment.id} of ${payment.amount} ${payment.currency}`;
  const held = await updatePayment(trx, payment.id, {
    status: assertPaymentTransition(payment, 'hold'),
    received_amount: received.amount && received.amount > 0 ? received.amount : null,
    received_currency: received.currency && /^[A-Z]{3}$/.test(received.currency) ? received.currency : null,
    paid_at: new Date(),
    ...(received.providerTradeNo ? { provider_trade_no: received.providerTradeNo } : {}),
  });
  const flagged = await flagOrderForReview(trx, order.id, reason, actor, { stopClock: true });
  await enqueue(trx, 'payments', order.id, [
    {
      type: 'payment.held',
      data: {
        order: toOrderSnapshot(flagged),
        payment: paymentSnapshot(held),
        receivedAmount: received.amount ?? 0,
        receivedCurrency: received.currency ?? '',
        reason,
      },
    },
  ]);
}

/**
 * An operator's decision on held money. `accept`: it counts toward the order as if it had been
 * asked for (the order is paid when it covers what is due). `refund`: it is counted in and given
 * back in the same transaction, through the provider. Either way the order's flag is cleared and,
 * if it still waits for money, it gets a new payment deadline.
 */
export async function resolveHeldPayment(
  db: Db,
  providers: PaymentProviders,
  id: string,
  input: ResolvePaymentBody,
  ctx: { actor: string; now: Date; paymentTimeoutSeconds: number },
): Promise<Payment> {
  const refundIds = await inTransaction(db, async (trx) => {
    const found = await findPaymentById(trx, id);
    if (!found) throw notFound('Payment', id);
    const order = await lockOrder(trx, found.order_id);
    const payment = (await lockPaymentById(trx, id))!;
    const to = assertPaymentTransition(payment, 'accept_held');
    const amount = payment.received_amount;
    if (!amount || payment.received_currency !== payment.currency) {
      throw new AppError(
        'conflict',
        `The money was received in ${payment.received_currency ?? 'an unknown currency'}, the order is in ${payment.currency}; settle it at the provider`,
      );
    }
    const note = input.reason ? ` (${input.reason})` : '';
    const ids: string[] = [];
    if (input.action === 'accept') {
      if (order.status !== 'pending_payment') {
        throw new AppError('illegal_transition', `The order is ${order.status}: refund the money instead`, {
          currentStatus: order.status,
        });
      }
      const paidOrder = await recordOrderPayment(trx, order, amount, ctx.actor);
      const paid = await updatePayment(trx, id, { status: to, amount });
      await enqueue(trx, 'payments', order.id, [
        {
          type: 'payment.succeeded',
          data: { order: toOrderSnapshot(paidOrder), payment: paymentSnapshot(paid) },
        },
      ]);
    } else {
      await recordReturnedMoney(trx, order.id, amount, ctx.actor);
      const paid = await updatePayment(trx, id, { status: to, amount });
      const refund = await requestPaymentRefund(
        trx,
        paid,
        undefined,
        `held money refunded by ${ctx.actor}${note}`,
        ctx.actor,
      );
      if (refund.status === 'pending') ids.push(refund.id);
    }
    await resolveOrderReview(trx, order.id, {
      message: `${input.action === 'accept' ? 'accepted' : 'refunded'} ${amount} ${payment.currency} received for payment ${id}${note}`,
      actor: ctx.actor,
      paymentDueAt: new Date(ctx.now.getTime() + ctx.paymentTimeoutSeconds * 1000),
    });
    return ids;
  });
  if (refundIds.length) await settleDueRefunds(db, providers, ctx.now, refundIds);
  return toPayment((await findPaymentById(db, id))!);
}
