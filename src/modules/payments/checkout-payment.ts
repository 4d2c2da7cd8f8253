import { sql } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import { type OrderPlacedSnapshot, type StatementWrites, withPlacedNumber } from '../orders/index.js';
import { askProvider, getPayment, intentProvider, openingTerms } from './payment-intents.js';
import type { IntentForProvider, PaymentProviders } from './payment-provider.js';
import { paymentSnapshot, toPayment } from './payment-views.js';
import { type PaymentRow, paymentOpenedWrites } from './payments.repository.js';
import type { Payment } from './payments.schemas.js';

/**
 * A checkout that opens its payment (`payment` in the checkout): the intent for the whole grand total
 * is written in the order's own placement statement, with its payment.created event after
 * order.placed — no request, transaction or statement of its own, where a storefront would otherwise
 * open it with a second call. The provider is refused before anything is written; an outside
 * provider (Alipay, WeChat Pay) is asked for the buyer's action once the order is committed, as
 * POST /v1/orders/{id}/payments does, and a provider that cannot leaves the intent failed, with the
 * order placed.
 */
export function checkoutPayment(
  providers: PaymentProviders,
  method: string,
  options: { capture?: 'automatic' | 'manual' | undefined },
) {
  const provider = intentProvider(providers, method, 'body.paymentMethod');
  const manualCapture = options.capture === 'manual';
  let opened: { row: PaymentRow; intent: IntentForProvider } | undefined;
  return {
    /** For placeOrder's withPlaced: called per attempt, so the last one is what was placed. */
    async writes(order: OrderPlacedSnapshot): Promise<StatementWrites | undefined> {
      opened = undefined;
      // nothing to pay: a free order, or one paid on delivery
      if (order.status !== 'pending_payment' || order.grandTotal <= 0) return undefined;
      const intent = {
        id: newId(),
        orderId: order.id,
        orderNumber: '',
        amount: order.grandTotal,
        currency: order.currency,
        manualCapture,
      };
      const terms = await openingTerms(provider, intent);
      const now = new Date();
      const row: PaymentRow = {
        id: intent.id,
        order_id: order.id,
        provider: provider.name,
        status: 'pending',
        amount: intent.amount,
        currency: intent.currency,
        ...terms,
        created_at: now,
        updated_at: now,
        paid_at: null,
        authorized_at: null,
        refunded_amount: 0,
        provider_trade_no: null,
        failure_reason: null,
        received_amount: null,
        received_currency: null,
        close_status: null,
        close_attempts: 0,
        close_due_at: null,
        close_note: null,
      };
      opened = { row, intent };
      return {
        ctes: paymentOpenedWrites(row),
        check: sql<boolean>`true`,
        events: [
          {
            type: 'payment.created',
            source: 'payments',
            data: withPlacedNumber({ order, payment: paymentSnapshot(row) }),
          },
        ],
      };
    },
    /** The intent as the buyer acts on it, once the order is committed; null when none was opened. */
    async opened(db: Db, orderNumber: string): Promise<Payment | null> {
      if (!opened) return null;
      if (provider.local) return toPayment(opened.row);
      try {
        return await askProvider(db, provider, opened.row, { ...opened.intent, orderNumber });
      } catch {
        // the order stands; the intent says why it failed, and another can be opened
        return getPayment(db, opened.row.id);
      }
    },
  };
}
