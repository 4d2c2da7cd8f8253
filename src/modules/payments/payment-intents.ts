import type { Db } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import {
  lockOrder,
  lockOrderWith,
  type OrderAccessCheck,
  recordOrderPayment,
  toOrderSnapshot,
} from '../orders/index.js';
import { enqueue } from '../sync/index.js';
import { applyNotice } from './payment-callbacks.js';
import type { IntentForProvider, PaymentProvider, PaymentProviders } from './payment-provider.js';
import { assertPaymentTransition } from './payment-state.js';
import { paymentSnapshot, toPayment } from './payment-views.js';
import {
  findPaymentById,
  insertPaymentRecorded,
  lockPaymentById,
  openPaymentsSum,
  type PaymentRow,
  updatePayment,
} from './payments.repository.js';
import type { CreatePaymentBody, Payment } from './payments.schemas.js';
import { signSandboxEvent } from './providers/sandbox.js';
import { settleDueRefunds } from './refunds.js';

function providerOf(providers: PaymentProviders, name: string, field = 'body.provider'): PaymentProvider {
  const provider = providers.get(name);
  if (!provider) {
    throw new AppError('unprocessable', `The payment provider ${name} is not configured here`, {
      errors: [{ field, message: `${name} is not configured` }],
    });
  }
  return provider;
}

/** The provider to open an intent with; `field` is where the request named it. */
export function intentProvider(providers: PaymentProviders, name: string, field = 'body.provider') {
  const provider = providerOf(providers, name, field);
  if (provider.name === 'cod') {
    throw new AppError('unprocessable', 'Cash on delivery is collected when the order is delivered', {
      errors: [{ field, message: 'cod takes no payment before delivery' }],
    });
  }
  return provider;
}

/**
 * Opens a payment intent for (part of) what an order still owes; several may together pay one order
 * (split payment) but never more than it owes. A provider that calls nobody (the sandbox) gives its
 * pay action inside the transaction, so the intent is written whole, with its event, in one statement;
 * an outside provider is asked after the intent is committed, so no transaction waits on it, and if it
 * fails, the intent is marked failed.
 */
export async function createPayment(
  db: Db,
  providers: PaymentProviders,
  orderId: string,
  input: CreatePaymentBody,
  access?: OrderAccessCheck,
): Promise<Payment> {
  const provider = intentProvider(providers, input.provider);
  const manualCapture = input.capture === 'manual';
  const { payment, intent } = await inTransaction(db, async (trx) => {
    // the order locked, its open intents summed and the caller's access checked: one statement
    const locked = await lockOrderWith(trx, orderId, openPaymentsSum(orderId));
    access?.(locked?.order);
    if (!locked) throw notFound('Order', orderId);
    const { order } = locked;
    const open = Number(locked.alongside);
    if (order.status !== 'pending_payment') {
      throw new AppError('illegal_transition', `The order is ${order.status} and takes no payment`, {
        currentStatus: order.status,
      });
    }
    // money given back while it waited (held money refunded) does not count toward it
    const due = order.grand_total - (order.paid_total - order.refunded_total) - open;
    const amount = input.amount ?? due;
    if (amount <= 0 || amount > due) {
      throw new AppError('unprocessable', `The amount must be between 1 and ${due}, what is still open`, {
        errors: [{ field: 'body.amount', message: `must be between 1 and ${due}` }],
      });
    }
    const intent = {
      id: newId(),
      orderId,
      orderNumber: order.number,
      amount,
      currency: order.currency,
      manualCapture,
    };
    const row = {
      id: intent.id,
      order_id: orderId,
      provider: provider.name,
      status: 'pending' as const,
      amount,
      currency: order.currency,
      ...(await openingTerms(provider, intent)),
    };
    const payment = await insertPaymentRecorded(
      trx,
      row,
      [{ type: 'payment.created', data: { order: toOrderSnapshot(order), payment: paymentSnapshot(row) } }],
      open,
    );
    return { payment, intent };
  });
  if (provider.local) return toPayment(payment);
  return askProvider(db, provider, payment, intent);
}

/** An intent's reference and buyer's action from its provider's answer, with its capture kept beside. */
const termsOf = (
  created: Awaited<ReturnType<PaymentProvider['create']>> | undefined,
  intent: IntentForProvider,
) => ({
  provider_ref: created?.providerRef ?? null,
  action: { ...created?.action, manualCapture: intent.manualCapture },
});

/**
 * What a new intent is written with: a local provider (the sandbox) answers at once, calling nobody;
 * an outside one is asked once the intent is committed (askProvider), so none yet.
 */
export async function openingTerms(provider: PaymentProvider, intent: IntentForProvider) {
  return termsOf(provider.local ? await provider.create(intent) : undefined, intent);
}

/**
 * An outside provider asked for the intent's payment action once the intent is committed (so no
 * transaction waits on it); if it cannot, the intent is marked failed, with its event.
 */
export async function askProvider(
  db: Db,
  provider: PaymentProvider,
  payment: PaymentRow,
  intent: IntentForProvider,
): Promise<Payment> {
  const { orderId } = intent;
  try {
    // One statement: no transaction needed around it.
    return toPayment(await updatePayment(db, payment.id, termsOf(await provider.create(intent), intent)));
  } catch (error) {
    await inTransaction(db, async (trx) => {
      const order = await lockOrder(trx, orderId);
      const current = (await lockPaymentById(trx, payment.id))!;
      if (current.status !== 'pending') return;
      const reason = `the provider could not open the payment: ${(error as Error).message}`;
      const failed = await updatePayment(trx, payment.id, { status: 'failed', failure_reason: reason });
      await enqueue(trx, 'payments', orderId, [
        {
          type: 'payment.failed',
          data: { order: toOrderSnapshot(order), payment: paymentSnapshot(failed), reason },
        },
      ]);
    });
    if (error instanceof AppError) throw error;
    throw new AppError(
      'upstream_failed',
      `${provider.name} could not open the payment`,
      {},
      { cause: error },
    );
  }
}

export async function getPayment(db: Db, id: string): Promise<Payment> {
  const p = await findPaymentById(db, id);
  if (!p) throw notFound('Payment', id);
  return toPayment(p);
}

/** Captures an authorized payment: the money is taken and counts toward the order. */
export function capturePayment(
  db: Db,
  providers: PaymentProviders,
  id: string,
  actor: string,
): Promise<Payment> {
  return inTransaction(db, async (trx) => {
    const found = await findPaymentById(trx, id);
    if (!found) throw notFound('Payment', id);
    const order = await lockOrder(trx, found.order_id);
    const payment = (await lockPaymentById(trx, id))!;
    const to = assertPaymentTransition(payment, 'capture');
    if (!providerOf(providers, payment.provider).local) {
      throw new AppError('unprocessable', `${payment.provider} payments are captured by the provider itself`);
    }
    const paidOrder = await recordOrderPayment(trx, order, payment.amount, actor);
    const captured = await updatePayment(trx, id, { status: to, paid_at: new Date() });
    await enqueue(trx, 'payments', order.id, [
      {
        type: 'payment.captured',
        data: { order: toOrderSnapshot(paidOrder), payment: paymentSnapshot(captured) },
      },
    ]);
    return toPayment(captured);
  });
}

/**
 * Asks the provider how the payment stands (a lost notification) and applies what it says, through
 * the same once-only path as a notification.
 */
export async function queryPayment(db: Db, providers: PaymentProviders, id: string): Promise<Payment> {
  const payment = await findPaymentById(db, id);
  if (!payment) throw notFound('Payment', id);
  const provider = providerOf(providers, payment.provider);
  if (!provider.query) return toPayment(payment);
  const state = await provider.query(payment);
  if (state.kind !== 'pending') {
    const { refundIds } = await applyNotice(db, provider, {
      messageId: `query:${payment.id}:${state.kind}`,
      kind: state.kind,
      paymentId: payment.id,
      amount: state.amount,
      currency: state.currency,
      providerTradeNo: state.providerTradeNo,
      payload: state,
    });
    await settleDueRefunds(db, providers, new Date(), refundIds);
  }
  return getPayment(db, id);
}

/**
 * The sandbox's "the buyer paid" button: it signs the notification the sandbox would send and
 * runs it through the callback path, so paying twice is one payment. The notification is built in
 * that path's transaction, from the payment's terms read beside its order's lock: no read before.
 */
export async function paySandboxPayment(
  db: Db,
  providers: PaymentProviders,
  secret: string | undefined,
  id: string,
): Promise<Payment> {
  const provider = providers.get('sandbox');
  const onlySandbox = () => new AppError('conflict', 'Only sandbox payments can be paid by this action');
  if (!provider || !secret) {
    const payment = await findPaymentById(db, id);
    if (!payment) throw notFound('Payment', id);
    if (payment.provider !== 'sandbox') throw onlySandbox();
    throw new AppError('conflict', 'The payment sandbox is off here (PAYMENT_SANDBOX=false)');
  }
  const { payment: applied } = await applyNotice(db, provider, {
    paymentId: id,
    build(payment) {
      if (payment.provider !== 'sandbox') throw onlySandbox();
      const manual = payment.action?.manualCapture === true;
      const body = JSON.stringify({
        id: `pay_${id}`,
        type: manual ? 'payment.authorized' : 'payment.succeeded',
        paymentId: id,
        amount: payment.amount,
        currency: payment.currency,
      });
      const now = new Date();
      return provider.parseCallback!({
        headers: { 'sandbox-signature': signSandboxEvent(secret, body, now) },
        body,
        now,
      });
    },
  });
  // the payment as the notice left it; a repeat of the notice reads it
  return applied ? toPayment(applied) : getPayment(db, id);
}
