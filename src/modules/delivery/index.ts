import type { Role } from '../../platform/auth/roles.js';
import type { Conn } from '../../platform/db/database.js';
import type { Module } from '../../platform/module.js';
import type { ShippingPlans } from '../fulfillment/index.js';
import type { OrderHooks } from '../orders/index.js';
import { refreshCarrierLanes } from './carrier-lanes.repository.js';
import { type DeliveryDeps, deliveryRoutes } from './delivery.routes.js';
import { deliveryChoice } from './delivery-choice.consumer.js';
import { findDeliveryPlans } from './delivery-plans.repository.js';
import * as m1206_0400 from './migrations/20261206_0400_delivery.js';

export { refreshCarrierLanes } from './carrier-lanes.repository.js';
export { planDelivery } from './delivery-choice.consumer.js';

/** The plan's parcels, read by fulfillment (through app-services) as a new shipment's defaults. */
export const plannedParcels: ShippingPlans = async (db, orderId) =>
  (await findDeliveryPlans(db, orderId)).map((p) => ({
    shipTo: p.ship_to,
    warehouses: p.warehouses,
    carrier: p.carrier,
  }));

/** The delivery plan as a section of GET /v1/orders/{id}, for the staff who ship it. */
async function deliveryPlanSection(db: Conn, orderId: string, viewer?: Role) {
  if (viewer === 'storefront' || viewer === 'channel' || viewer === 'finance') return {};
  const plans = await findDeliveryPlans(db, orderId);
  return {
    deliveryPlan: plans.map((p) => ({
      address: p.ship_to,
      warehouses: p.warehouses,
      carrier: p.carrier,
      service: p.service,
      reason: p.reason,
    })),
  };
}

/**
 * Delivery: which warehouse(s) and carrier each parcel of an order goes with, and why (a consumer of
 * order.placed, from the carriers' measured records in the carrier_lanes rollup a job refreshes), and
 * the warehouse floor's side — bin locations and the day's pick lists.
 */
export const deliveryModule = {
  name: 'delivery',
  migrations: { '20261206_0400_delivery': m1206_0400 },
  routes: [deliveryRoutes],
  consumes: [deliveryChoice],
  orderHooks: { detailSections: [deliveryPlanSection] } satisfies Partial<OrderHooks>,
  jobs: (deps) => [{ name: 'refresh carrier lanes', run: () => refreshCarrierLanes(deps.db) }],
} satisfies Module<DeliveryDeps, Partial<OrderHooks>>;
