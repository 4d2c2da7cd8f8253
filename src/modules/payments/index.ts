import type { Db } from '../../platform/db/database.js';
import type { ProviderConfig } from '../../platform/provider-config.js';
import type { ScheduledJob } from '../../platform/scheduler.js';
import type { OrderHooks } from '../orders/index.js';
import { collectCashOnDelivery, paymentsSection, refundCancelledOrder } from './payment-hooks.js';
import { buildPaymentProviders } from './providers/registry.js';
import { settleDueRefunds } from './refunds.js';

export { paymentCallbackRoutes } from './callbacks.routes.js';
export type { PaymentProviders } from './payment-provider.js';
export { paymentRoutes } from './payments.routes.js';
export { buildPaymentProviders } from './providers/registry.js';
export { refundOrderAmount, settleDueRefunds } from './refunds.js';

/** What payments adds to the order life cycle (wired in app.ts). */
export const paymentOrderHooks: Partial<OrderHooks> = {
  onCancelled: [refundCancelledOrder],
  onDelivered: [collectCashOnDelivery],
  detailSections: [paymentsSection],
};

export function scheduledPaymentJobs(db: Db, config: ProviderConfig): ScheduledJob[] {
  const providers = buildPaymentProviders(config);
  return [{ name: 'settle pending refunds', run: (now) => settleDueRefunds(db, providers, now) }];
}
