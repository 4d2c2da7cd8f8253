import { Type } from 'typebox';
import type { Db, Trx } from '../../platform/db/database.js';
import { inTransaction, isRetryable } from '../../platform/db/transaction.js';
import { AppError, notFound } from '../../platform/errors.js';
import { parseAs } from '../../platform/http/validation.js';
import { newId, UUID_PATTERN } from '../../platform/ids.js';
import {
  findOrderWith,
  flagOrderForReview,
  lockOrderWith,
  type OrderRow,
  recordLatePayment,
  recordOrderPayment,
  toOrderSnapshot,
} from '../orders/index.js';
import { enqueue, type PendingEvent } from '../sync/index.js';
import {
  CALLBACK_SEEN,
  type CallbackRow,
  claimCallback,
  claimCallbackLockingPayment,
  findCallback,
  noticeAppliedWrites,
  saveCallbackOutcome,
} from './callbacks.repository.js';
import { holdPayment } from './held-payments.js';
import type {
  CallbackAnswer,
  CallbackInput,
  PaymentProvider,
  PaymentProviders,
  ProviderNotice,
} from './payment-provider.js';
import { assertPaymentTransition, checkPaymentTransition } from './payment-state.js';
import { paymentSnapshot } from './payment-views.js';
import {
  orderOfPayment,
  type PaymentRow,
  type PaymentTerms,
  paymentAsJson,
  paymentChangeWrites,
  paymentFromJson,
  paymentTerms,
  updatePayment,
  updatePaymentRecorded,
} from './payments.repository.js';
import { requestPaymentRefund, settleRefund } from './refunds.js';
import { findRefundById } from './refunds.repository.js';

const uuid = new RegExp(UUID_PATTERN);

/**
 * What any provider's parser hands on, checked before it reaches SQL: a signed message is still
 * outside input (a provider sending what it never documented, a leaked sandbox secret), and its
 * payload is stored as jsonb, which holds no NUL.
 */
const ProviderNoticeShape = Type.Object(
  {
    messageId: Type.String({ minLength: 1, maxLength: 128 }),
    kind: Type.String({ maxLength: 32 }),
    paymentId: Type.Optional(Type.String({ maxLength: 64 })),
    refundId: Type.Optional(Type.String({ maxLength: 64 })),
    amount: Type.Optional(Type.Integer({ minimum: 0, maximum: 1e13 })),
    currency: Type.Optional(Type.String({ maxLength: 8 })),
    providerTradeNo: Type.Optional(Type.String({ maxLength: 128 })),
    payload: Type.Unknown(),
  },
  { additionalProperties: true },
);

interface Applied {
  outcome: string;
  paymentId?: string;
  orderId?: string;
  answer: CallbackAnswer;
  /** Refunds at outside providers to call once this transaction has committed. */
  refundIds?: string[];
  payment?: PaymentRow;
  /** The outcome was saved with the payment's change (one statement), not to be saved again. */
  saved?: boolean;
}

/**
 * A provider's notification: verified first (a bad signature is a 401 before anything is read from
 * the database), then applied once per provider message id in one transaction; a repeat, also one
 * racing the first, gets the first one's answer. Unknown payments are a 404 and leave nothing behind.
 */
export async function handlePaymentCallback(
  db: Db,
  providers: PaymentProviders,
  providerName: string,
  input: CallbackInput,
): Promise<{ answer: CallbackAnswer; refundIds: string[] }> {
  const provider = providers.get(providerName);
  if (!provider?.parseCallback)
    throw new AppError('not_found', `No payment provider ${providerName} takes callbacks here`);
  const notice = provider.parseCallback(input);
  parseAs(ProviderNoticeShape, notice, 'notice');
  return applyNotice(db, provider, notice);
}

/** What applying a notice came to: the answer for the provider, and the payment as it now stands. */
export interface NoticeResult {
  answer: CallbackAnswer;
  refundIds: string[];
  /**
   * The payment the notice was about, as this notice left it, or as a repeat of it read it (absent for
   * a repeat that raced the first, or a refund notice).
   */
  payment?: PaymentRow;
}

/**
 * A payment's notice built inside its transaction, from the payment's terms read beside the order's
 * lock (the sandbox's pay signs one for the payment as it was opened): no read before it.
 */
export interface NoticeFor {
  paymentId: string;
  build(terms: PaymentTerms): ProviderNotice;
}

/**
 * Applies a verified notice (from a callback, or from querying the provider) exactly once.
 *
 * The common one, money paid for a payment that waits for it on an order that takes it, is two
 * statements and no transaction (applyPaidNotice): the order and the payment read, then one
 * statement that claims the message with its outcome and changes the order, the payment, the
 * timeline and the outbox, only if the order is still as read; else it leaves nothing and the notice
 * goes the way every other one goes: in a transaction that locks the payment's order (reading the
 * payment's terms beside it), then claims the message and locks the payment in one statement. A copy
 * racing the first waits on the order's row and then finds the message taken either way.
 */
export async function applyNotice(
  db: Db,
  provider: PaymentProvider,
  given: ProviderNotice | NoticeFor,
): Promise<NoticeResult> {
  if ('build' in given || given.kind === 'paid') {
    const applied = await applyPaidNotice(db, provider, given);
    if (applied) return applied;
  }
  return inTransaction(db, async (trx) => {
    const forPayment = 'build' in given || isPaymentNotice(given);
    if (!forPayment) {
      const claimed = await claimCallback(trx, callbackRow(provider, given));
      if (!claimed) return seenAnswer(trx, provider, given.messageId);
      const applied = await applyOther(trx, provider, given);
      await saveCallbackOutcome(trx, claimed, applied);
      return { answer: applied.answer, refundIds: [] };
    }
    const paymentId = given.paymentId;
    const locked =
      paymentId && uuid.test(paymentId)
        ? await lockOrderWith(trx, orderOfPayment(paymentId), paymentTerms(paymentId))
        : undefined;
    const notice = 'build' in given ? locked && given.build(locked.alongside!) : given;
    if (!locked || !notice || locked.alongside?.provider !== provider.name)
      throw notFound('Payment', paymentId ?? '(none)');
    const { claimed, payment } = await claimCallbackLockingPayment(
      trx,
      callbackRow(provider, notice),
      paymentId!,
    );
    if (!payment) throw notFound('Payment', paymentId!);
    if (!claimed) return seenAnswer(trx, provider, notice.messageId);
    const applied = await applyToPayment(trx, provider, notice, locked.order, payment, claimed);
    if (!applied.saved) await saveCallbackOutcome(trx, claimed, applied);
    return { answer: applied.answer, refundIds: applied.refundIds ?? [], payment: applied.payment };
  });
}

/**
 * applyNotice's common case without a transaction: undefined when the notice is not that case, or
 * when the order or the payment changed between the read and the write (nothing written then).
 */
async function applyPaidNotice(
  db: Db,
  provider: PaymentProvider,
  given: ProviderNotice | NoticeFor,
): Promise<NoticeResult | undefined> {
  const paymentId = given.paymentId;
  if (!paymentId || !uuid.test(paymentId)) return undefined;
  const read = await findOrderWith(db, orderOfPayment(paymentId), paymentAsJson(paymentId));
  if (!read?.alongside) throw notFound('Payment', paymentId);
  const { order, rowVersion } = read;
  const payment = paymentFromJson(read.alongside);
  const notice = 'build' in given ? given.build(payment) : given;
  if (payment.provider !== provider.name) throw notFound('Payment', paymentId);
  if (
    notice.kind !== 'paid' ||
    notice.amount !== payment.amount ||
    notice.currency !== payment.currency ||
    (payment.status !== 'pending' && payment.status !== 'authorized') ||
    order.status !== 'pending_payment'
  ) {
    // a repeat of a notice already applied (the provider resends until it has our answer): its answer
    if (notice.kind === 'paid' && ['paid', 'partially_refunded', 'refunded'].includes(payment.status)) {
      const seen = await findCallback(db, provider.name, notice.messageId);
      if (seen) return { ...answerOf(seen), payment };
    }
    return undefined;
  }
  const ack = ackOf(provider);
  const ids = { paymentId, orderId: order.id };
  const { changes, paid } = paidChange(payment, tradeOf(notice));
  const writes = noticeAppliedWrites(
    callbackRow(provider, notice),
    { id: newId(), outcome: 'paid', ...ids, answer: ack },
    { id: paymentId, fromStatus: payment.status, changes },
  );
  try {
    const paidOrder = await recordOrderPayment(
      db,
      order,
      payment.amount,
      `provider:${provider.name}`,
      (after) => ({ ctes: writes.ctes, check: writes.check, events: [succeeded(after, paid)] }),
      { rowVersion },
    );
    // both rows were stamped now(), the statement's time
    return { answer: ack, refundIds: [], payment: { ...paid, updated_at: paidOrder.updated_at } };
  } catch (error) {
    const { code, message } = error as { code?: string; message?: string };
    if (code === 'P0001' && message === CALLBACK_SEEN) return seenAnswer(db, provider, notice.messageId);
    // the order or the payment moved since the read: the locking way decides on them as they are now
    if (isRetryable(error)) return undefined;
    throw error;
  }
}

/** What a notice is answered with once taken: the provider's own acknowledgement, else 200 `{}`. */
const ackOf = (provider: PaymentProvider): CallbackAnswer =>
  provider.acknowledgement ?? { status: 200, type: 'application/json', body: '{}' };

/** The provider's trade number, when the notice gives one, as the payment stores it. */
type Trade = { provider_trade_no?: string };
const tradeOf = (notice: ProviderNotice): Trade =>
  notice.providerTradeNo ? { provider_trade_no: notice.providerTradeNo } : {};

/** What money reaching a payment writes beside its status: when, the trade, and no failure any more. */
const moneyIn = (trade: Trade) => ({
  paid_at: new Date(),
  failure_reason: null,
  ...trade,
});

/**
 * A paid notice's change to a payment that waits for the money (pending, authorized, or failed: a
 * verified payment for a failed intent pays its order all the same; refused, the provider would resend
 * it for a day and the buyer's money would be in no book), and the row it leaves.
 */
function paidChange(payment: PaymentRow, trade: Trade) {
  const action =
    payment.status === 'authorized' ? 'capture' : payment.status === 'failed' ? 'recover' : 'succeed';
  const changes = { status: assertPaymentTransition(payment, action), ...moneyIn(trade) };
  return { changes, paid: { ...payment, ...changes } as PaymentRow };
}

/** payment.succeeded, written in the order's statement with the order as it leaves it. */
const succeeded = (after: OrderRow, paid: PaymentRow) => ({
  source: 'payments',
  type: 'payment.succeeded' as const,
  data: { order: toOrderSnapshot(after), payment: paymentSnapshot(paid) },
});

const callbackRow = (provider: PaymentProvider, notice: ProviderNotice) => ({
  provider: provider.name,
  message_id: notice.messageId,
  kind: notice.kind,
  payload: notice.payload,
});

/** A repeat of a message: the first one's answer. */
async function seenAnswer(trx: Db, provider: PaymentProvider, messageId: string): Promise<NoticeResult> {
  return answerOf((await findCallback(trx, provider.name, messageId))!);
}

const answerOf = (seen: CallbackRow): NoticeResult => ({
  answer: { status: seen.response_status, type: seen.response_type, body: seen.response_body },
  refundIds: [],
});

const isPaymentNotice = (notice: ProviderNotice) =>
  notice.kind !== 'ignored' && notice.kind !== 'refund_succeeded' && notice.kind !== 'refund_failed';

/** A notice about no payment: ignored, or about a refund. */
async function applyOther(trx: Trx, provider: PaymentProvider, notice: ProviderNotice): Promise<Applied> {
  const ack = ackOf(provider);
  if (notice.kind === 'ignored') return { outcome: 'ignored', answer: ack };
  if (notice.kind === 'refund_succeeded' || notice.kind === 'refund_failed') {
    const refund =
      notice.refundId && uuid.test(notice.refundId) ? await findRefundById(trx, notice.refundId) : undefined;
    if (!refund) throw notFound('Refund', notice.refundId ?? '(none)');
    const status = notice.kind === 'refund_succeeded' ? 'succeeded' : 'failed';
    await settleRefund(
      trx,
      refund.id,
      { status, reason: 'refused by the provider' },
      `provider:${provider.name}`,
    );
    return {
      outcome: `refund_${status}`,
      orderId: refund.order_id,
      paymentId: refund.payment_id,
      answer: ack,
    };
  }
  throw new Error(`${notice.kind} is a payment's notice`);
}

/**
 * A notice about a payment (paid, authorized, failed, closed), claimed as `callbackId`, given its
 * order and the payment, both locked.
 */
async function applyToPayment(
  trx: Trx,
  provider: PaymentProvider,
  notice: ProviderNotice,
  order: OrderRow,
  payment: PaymentRow,
  callbackId: string,
): Promise<Applied> {
  const ack = ackOf(provider);
  const ids = { paymentId: payment.id, orderId: order.id };
  const actor = `provider:${provider.name}`;
  /** The payment's change, its event and this notice's outcome, in one statement. */
  const settle = async (
    outcome: string,
    changes: Parameters<typeof updatePaymentRecorded>[2],
    event: (p: PaymentRow) => PendingEvent,
  ): Promise<Applied> => {
    const after = { ...payment, ...changes } as PaymentRow;
    const saved = await updatePaymentRecorded(trx, payment, changes, [event(after)], {
      id: callbackId,
      outcome,
      ...ids,
      answer: ack,
    });
    return { ...ids, outcome, answer: ack, payment: saved, saved: true };
  };

  const trade = tradeOf(notice);
  if (
    (notice.kind === 'paid' || notice.kind === 'authorized') &&
    (notice.amount !== payment.amount || notice.currency !== payment.currency)
  ) {
    // Verified money that does not match: taken (the provider stops resending), recorded, and held
    // for an operator; an intent that already counted its money is only flagged.
    if (checkPaymentTransition(payment, 'hold').ok) {
      await holdPayment(trx, order, payment, notice, actor);
    } else {
      const reason = `${provider.name} reported ${notice.amount ?? '?'} ${notice.currency ?? '?'} again for payment ${payment.id}, which is ${payment.status}`;
      await flagOrderForReview(trx, order.id, reason, actor);
    }
    return { ...ids, outcome: 'amount_mismatch', answer: ack };
  }

  switch (notice.kind) {
    case 'paid': {
      if (['paid', 'partially_refunded', 'refunded'].includes(payment.status)) {
        return { ...ids, outcome: 'already_applied', answer: ack };
      }
      if (order.status !== 'pending_payment' || payment.status === 'cancelled') {
        return { ...ids, ...(await acceptLatePayment(trx, payment, trade, actor)), answer: ack };
      }
      const { changes, paid } = paidChange(payment, trade);
      // the order's change, the payment's, this notice's outcome and their events: one statement
      const paidOrder = await recordOrderPayment(trx, order, payment.amount, actor, (after) => ({
        ctes: paymentChangeWrites(payment.id, changes, {
          id: callbackId,
          outcome: 'paid',
          ...ids,
          answer: ack,
        }),
        events: [succeeded(after, paid)],
      }));
      // both rows were stamped now(), the transaction's time
      const saved = { ...paid, updated_at: paidOrder.updated_at };
      return { ...ids, outcome: 'paid', answer: ack, payment: saved, saved: true };
    }
    case 'authorized': {
      if (payment.status !== 'pending') return { ...ids, outcome: 'already_applied', answer: ack };
      const to = assertPaymentTransition(payment, 'authorize');
      return settle('authorized', { status: to, authorized_at: new Date(), ...trade }, (authorized) => ({
        type: 'payment.authorized',
        data: { order: toOrderSnapshot(order), payment: paymentSnapshot(authorized) },
      }));
    }
    default: {
      // failed, or closed at the provider without being paid (Alipay TRADE_CLOSED)
      if (payment.status !== 'pending' && payment.status !== 'authorized') {
        return { ...ids, outcome: 'already_applied', answer: ack };
      }
      const reason = notice.kind === 'closed' ? 'closed at the provider' : 'declined by the provider';
      const changes = { status: assertPaymentTransition(payment, 'fail'), failure_reason: reason, ...trade };
      return settle('failed', changes, (failed) => ({
        type: 'payment.failed',
        data: { order: toOrderSnapshot(order), payment: paymentSnapshot(failed), reason },
      }));
    }
  }
}

/**
 * Money for an order that no longer takes it (cancelled, or paid by other means meanwhile): record
 * it, then give it all back, in this same transaction.
 */
async function acceptLatePayment(
  trx: Trx,
  payment: PaymentRow,
  trade: Trade,
  actor: string,
): Promise<{ outcome: string; refundIds: string[] }> {
  const late = payment.status === 'cancelled' || payment.status === 'failed';
  const to = assertPaymentTransition(payment, late ? 'accept_late' : 'succeed');
  const order = await recordLatePayment(trx, payment.order_id, payment.amount, actor);
  const paid = await updatePayment(trx, payment.id, { status: to, ...moneyIn(trade) });
  await enqueue(trx, 'payments', payment.order_id, [
    {
      type: 'payment.late_received',
      data: { order: toOrderSnapshot(order), payment: paymentSnapshot(paid) },
    },
  ]);
  const refund = await requestPaymentRefund(
    trx,
    paid,
    undefined,
    `payment arrived after the order was ${order.status}`,
    actor,
  );
  return { outcome: 'refunded_late', refundIds: refund.status === 'pending' ? [refund.id] : [] };
}
