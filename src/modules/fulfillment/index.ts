import type { Module } from '../../platform/module.js';
import type { OrderHooks } from '../orders/index.js';
import { carrierCallbackRoutes, type FulfillmentDeps, fulfillmentRoutes } from './fulfillment.routes.js';
import * as m1123_0300 from './migrations/20261123_0300_fulfillment.js';
import { shipmentsSection } from './shipments.service.js';

export { CARRIERS } from './carriers.js';
export { advanceOrder, orderLineProgress } from './order-progress.js';
export { findShipmentLines, lockPendingShipments, type ShipmentRow } from './shipments.repository.js';
export {
  createReplacementShipments,
  createShipment,
  type PlannedParcel,
  type ShippingPlans,
  shipShipment,
} from './shipments.service.js';
export { markShipmentDelivered } from './tracking.service.js';

/** What fulfilment adds to the order life cycle (wired in app.ts). */
const fulfillmentOrderHooks: Partial<OrderHooks> = {
  detailSections: [shipmentsSection],
};

export const fulfillmentModule = {
  name: 'fulfillment',
  migrations: {
    '20261123_0300_fulfillment': m1123_0300,
  },
  routes: [fulfillmentRoutes, carrierCallbackRoutes],
  orderHooks: fulfillmentOrderHooks,
} satisfies Module<FulfillmentDeps, Partial<OrderHooks>>;
