import type { OrderHooks } from '../orders/index.js';
import { paymentsSection, refundCancelledOrder } from './payments.service.js';

export { paymentRoutes } from './payments.routes.js';

/** What payments adds to the order life cycle (wired in app.ts). */
export const paymentOrderHooks: Partial<OrderHooks> = {
  onCancelled: [refundCancelledOrder],
  detailSections: [paymentsSection],
};
