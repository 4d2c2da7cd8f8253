import type { Conn, Trx } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import { type OrderRow, recordCollectedPayment, toOrderSnapshot } from '../orders/index.js';
import { enqueue } from '../sync/index.js';
import { assertPaymentTransition } from './payment-state.js';
import { paymentSnapshot, toPayment, toRefund } from './payment-views.js';
import {
  findPaymentsOfOrder,
  insertPayment,
  lockPaymentsOfOrder,
  updatePayment,
} from './payments.repository.js';
import { LOCAL_PROVIDERS } from './providers/registry.js';
import { requestPaymentRefund } from './refunds.js';
import { findRefundsOfOrder } from './refunds.repository.js';

/**
 * Order hook: a cancelled order voids its open intents (their trades at outside providers are
 * closed after commit) and gives back everything it was paid.
 * Sandbox and cash refunds settle here; those at Alipay or WeChat Pay stay pending until the
 * refund job has the provider's answer.
 */
export async function refundCancelledOrder(trx: Trx, order: OrderRow, actor: string): Promise<void> {
  await voidOpenPayments(trx, order.id);
  for (const paid of await lockPaymentsOfOrder(trx, order.id, ['paid', 'partially_refunded'])) {
    if (paid.refunded_amount < paid.amount) {
      await requestPaymentRefund(trx, paid, undefined, 'order cancelled', actor).catch((error) => {
        // already fully covered by pending refunds: nothing more to give back
        if ((error as { code?: string }).code !== 'conflict') throw error;
      });
    }
  }
}

/**
 * Cancels the order's open intents (the caller holds the order's lock): a cancelled order, or an
 * edit that changed what it owes. Money that still arrives for one is taken and given back
 * (acceptLatePayment), so none is lost. Returns how many were voided.
 */
export async function voidOpenPayments(trx: Trx, orderId: string): Promise<number> {
  const open = await lockPaymentsOfOrder(trx, orderId, ['pending', 'authorized']);
  for (const p of open) {
    // a trade at Alipay or WeChat Pay stays payable until closed there: closeDueTrades, after commit
    const close = LOCAL_PROVIDERS.has(p.provider)
      ? {}
      : { close_status: 'pending' as const, close_due_at: new Date() };
    await updatePayment(trx, p.id, { status: assertPaymentTransition(p, 'cancel'), ...close });
  }
  return open.length;
}

/** Order hook: cash on delivery is collected when the order is delivered. */
export async function collectCashOnDelivery(trx: Trx, order: OrderRow, actor: string): Promise<void> {
  if (order.payment_method !== 'cod' || order.paid_total >= order.grand_total) return;
  const amount = order.grand_total - order.paid_total;
  const payment = await insertPayment(trx, {
    id: newId(),
    order_id: order.id,
    provider: 'cod',
    status: 'paid',
    amount,
    currency: order.currency,
    provider_ref: null,
    paid_at: new Date(),
    action: JSON.stringify({ type: 'cash_on_delivery' }),
  });
  const paid = await recordCollectedPayment(trx, order.id, amount, actor);
  await enqueue(trx, 'payments', order.id, [
    { type: 'payment.succeeded', data: { order: toOrderSnapshot(paid), payment: paymentSnapshot(payment) } },
  ]);
}

/** Order hook: the payments and refunds sections of GET /v1/orders/{id}. */
export async function paymentsSection(db: Conn, orderId: string) {
  const [payments, refunds] = await Promise.all([
    findPaymentsOfOrder(db, orderId),
    findRefundsOfOrder(db, orderId),
  ]);
  return { payments: payments.map(toPayment), refunds: refunds.map(toRefund) };
}
