import type { AppServices } from './app-services.js';
import { aftersalesModule } from './modules/aftersales/index.js';
import { analyticsModule } from './modules/analytics/index.js';
import { campaignsModule } from './modules/campaigns/index.js';
import { cartModule } from './modules/cart/index.js';
import { catalogModule } from './modules/catalog/index.js';
import { channelsModule } from './modules/channels/index.js';
import { complianceModule } from './modules/compliance/index.js';
import { customersModule } from './modules/customers/index.js';
import { deliveryModule } from './modules/delivery/index.js';
import { forecastingModule } from './modules/forecasting/index.js';
import { fulfillmentModule } from './modules/fulfillment/index.js';
import { inventoryModule } from './modules/inventory/index.js';
import { notificationsModule } from './modules/notifications/index.js';
import { orderEditsModule } from './modules/order-edits/index.js';
import { type OrderHooks, ordersModule } from './modules/orders/index.js';
import { paymentsModule } from './modules/payments/index.js';
import { pricingModule } from './modules/pricing/index.js';
import { privacyModule } from './modules/privacy/index.js';
import { syncModule } from './modules/sync/index.js';
import type { CommandHandlers, EventConsumer, Module } from './platform/module.js';
import { platformModule } from './platform/platform-module.js';

/** A module as the app takes it: its dependencies are a subset of the app's services. */
export type AppModule = Module<AppServices, Partial<OrderHooks>>;

/**
 * Every module of OrderSync. Adding one = its folder under src/modules/ and a line here (docs/modules.md).
 * The order is the order routes are registered, hooks are called and jobs run.
 */
export const modules: readonly AppModule[] = [
  platformModule,
  catalogModule,
  inventoryModule,
  pricingModule,
  cartModule,
  ordersModule,
  paymentsModule,
  fulfillmentModule,
  orderEditsModule,
  deliveryModule,
  aftersalesModule,
  syncModule,
  campaignsModule,
  forecastingModule,
  customersModule,
  channelsModule,
  analyticsModule,
  notificationsModule,
  complianceModule,
  privacyModule,
];

/**
 * The modules that build on orders, plugged into its life cycle, in list order, with the process's
 * services where a hook needs them (buildServices calls this; the rest take `services.orderHooks`).
 */
export function orderHooksOf(list: readonly AppModule[], services: AppServices): OrderHooks {
  const parts = list.flatMap((m) =>
    typeof m.orderHooks === 'function' ? [m.orderHooks(services)] : m.orderHooks ? [m.orderHooks] : [],
  );
  return {
    onPlacing: parts.flatMap((p) => p.onPlacing ?? []),
    onCancelled: parts.flatMap((p) => p.onCancelled ?? []),
    onDelivered: parts.flatMap((p) => p.onDelivered ?? []),
    detailSections: parts.flatMap((p) => p.detailSections ?? []),
  };
}

/** Every module's inbound command handlers; a type claimed twice is a mistake, caught at start. */
export function commandHandlersOf(list: readonly AppModule[]): CommandHandlers {
  const all: Record<string, CommandHandlers[string]> = {};
  for (const m of list) {
    for (const [type, handler] of Object.entries(m.commands ?? {})) {
      if (all[type]) throw new Error(`Command ${type} of module ${m.name} is handled by another module too`);
      all[type] = handler;
    }
  }
  return all;
}

/** Every module's in-process event consumers, made with the process's services where they need them. */
export const consumersOf = (list: readonly AppModule[], services: AppServices): EventConsumer[] =>
  list.flatMap((m) => (typeof m.consumes === 'function' ? m.consumes(services) : (m.consumes ?? [])));
