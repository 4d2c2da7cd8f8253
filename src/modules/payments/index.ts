import type { Db } from '../../platform/db/database.js';
import type { Module } from '../../platform/module.js';
import type { ProviderConfig } from '../../platform/provider-config.js';
import type { ScheduledJob } from '../../platform/scheduler.js';
import type { OrderHooks } from '../orders/index.js';
import { paymentCallbackRoutes } from './callbacks.routes.js';
import * as m1122_0420 from './migrations/20261122_0420_payments.js';
import * as m1123_0200 from './migrations/20261123_0200_payment_providers.js';
import * as m1204_0100 from './migrations/20261204_0100_payment_review_and_close.js';
import { collectCashOnDelivery, paymentsSection, refundCancelledOrder } from './payment-hooks.js';
import { type PaymentDeps, paymentRoutes } from './payments.routes.js';
import { buildPaymentProviders } from './providers/registry.js';
import { settleDueRefunds } from './refunds.js';
import { closeDueTrades } from './trade-closing.js';

export { checkoutPayment } from './checkout-payment.js';
export { voidOpenPayments } from './payment-hooks.js';
export { createPayment, paySandboxPayment } from './payment-intents.js';
export type { PaymentProviders } from './payment-provider.js';
export type { PaymentDeps } from './payments.routes.js';
export { Payment } from './payments.schemas.js';
export { buildPaymentProviders } from './providers/registry.js';
export { refundableOfOrder, refundOrderAmount, settleDueRefunds } from './refunds.js';
export { closeDueTrades } from './trade-closing.js';

/** What payments adds to the order life cycle (wired in app.ts). */
const paymentOrderHooks: Partial<OrderHooks> = {
  onCancelled: [refundCancelledOrder],
  onDelivered: [collectCashOnDelivery],
  detailSections: [paymentsSection],
};

export function scheduledPaymentJobs(db: Db, config: ProviderConfig): ScheduledJob[] {
  const providers = buildPaymentProviders(config);
  return [
    { name: 'settle pending refunds', run: (now) => settleDueRefunds(db, providers, now) },
    { name: 'close cancelled trades at providers', run: (now) => closeDueTrades(db, providers, now) },
  ];
}

export const paymentsModule = {
  name: 'payments',
  migrations: {
    '20261122_0420_payments': m1122_0420,
    '20261123_0200_payment_providers': m1123_0200,
    '20261204_0100_payment_review_and_close': m1204_0100,
  },
  routes: [paymentRoutes, paymentCallbackRoutes],
  orderHooks: paymentOrderHooks,
  jobs: (deps) => scheduledPaymentJobs(deps.db, deps.config.providers),
} satisfies Module<PaymentDeps, Partial<OrderHooks>>;
