import type { PaymentRow } from './payments.repository.js';
import type { Payment, Refund } from './payments.schemas.js';
import type { RefundRow } from './refunds.repository.js';

export function toPayment(p: PaymentRow): Payment {
  return {
    id: p.id,
    orderId: p.order_id,
    provider: p.provider,
    status: p.status,
    amount: p.amount,
    refundedAmount: p.refunded_amount,
    currency: p.currency,
    providerRef: p.provider_ref,
    providerTradeNo: p.provider_trade_no,
    // an outside provider's intent that got no answer keeps only its capture flag: nothing to do
    action: p.action && 'type' in p.action ? (p.action as Payment['action']) : null,
    failureReason: p.failure_reason,
    receivedAmount: p.received_amount,
    receivedCurrency: p.received_currency,
    createdAt: p.created_at.toISOString(),
    authorizedAt: p.authorized_at?.toISOString() ?? null,
    paidAt: p.paid_at?.toISOString() ?? null,
  };
}

export function toRefund(r: RefundRow): Refund {
  return {
    id: r.id,
    paymentId: r.payment_id,
    orderId: r.order_id,
    amount: r.amount,
    currency: r.currency,
    status: r.status,
    reason: r.reason,
    providerRef: r.provider_ref,
    failureReason: r.failure_reason,
    createdAt: r.created_at.toISOString(),
    completedAt: r.completed_at?.toISOString() ?? null,
  };
}

/** The payment as carried in events. */
export const paymentSnapshot = (
  p: Pick<PaymentRow, 'id' | 'provider' | 'amount' | 'currency' | 'status'>,
) => ({
  id: p.id,
  provider: p.provider,
  amount: p.amount,
  currency: p.currency,
  status: p.status,
});
