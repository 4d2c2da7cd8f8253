import type { OrderHooks } from '../orders/index.js';
import { shipmentsSection } from './shipments.service.js';

export { CARRIERS } from './carriers.js';
export { carrierCallbackRoutes, fulfillmentRoutes } from './fulfillment.routes.js';
export { advanceOrder, orderLineProgress } from './order-progress.js';
export { createReplacementShipments } from './shipments.service.js';

/** What fulfilment adds to the order life cycle (wired in app.ts). */
export const fulfillmentOrderHooks: Partial<OrderHooks> = {
  detailSections: [shipmentsSection],
};
