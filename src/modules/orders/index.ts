import type { Config } from '../../platform/config.js';
import type { Db } from '../../platform/db/database.js';
import type { Module } from '../../platform/module.js';
import type { ScheduledJob } from '../../platform/scheduler.js';
import * as m1122_0400 from './migrations/20261122_0400_orders.js';
import * as m1123_0100 from './migrations/20261123_0100_order_lifecycle.js';
import * as m1204_2330 from './migrations/20261204_2330_phones_e164.js';
import * as m1204_2345 from './migrations/20261204_2345_order_access.js';
import * as m1205_1510 from './migrations/20261205_1510_order_pricing.js';
import * as m1206_0510 from './migrations/20261206_0510_placement_refusals.js';
import { cancelOverdueOrders } from './order-commands.js';
import { completeDeliveredOrders } from './order-fulfilment.js';
import type { OrderHooks } from './order-hooks.js';
import { type OrderDeps, orderRoutes } from './orders.routes.js';

export {
  type ChannelOrderPlaced,
  type ChannelOrderPlacement,
  cancelChannelOrder,
  markChannelOrderPaid,
  placeChannelOrder,
} from './channel-orders.js';
export {
  newOrderAccessToken,
  type OrderAccessCheck,
  OrderAccessSchema,
  orderAccessCheck,
  orderAccessHook,
} from './order-access.js';
export { toAddressRows } from './order-addresses.js';
export { cancelOrder, lockOrder, recordOrderPayment, recordOrderRefund } from './order-commands.js';
export { applyOrderEdit, type OrderEditWrites } from './order-edits.js';
export {
  cancelOrderLines,
  completeDeliveredOrders,
  confirmReceipt,
  findOrderLineQuantities,
  markOrderDelivered,
  markOrderShipped,
} from './order-fulfilment.js';
export {
  NO_ORDER_HOOKS,
  type OrderHooks,
  type OrderPlacement,
  type PlacementCheck,
  type PlacementWrites,
} from './order-hooks.js';
export { getOrderDetail, readOrderDetail } from './order-queries.js';
export {
  addOrderTimeline,
  addOrderTimelines,
  closeOrderIfRefunded,
  flagOrderForReview,
  recordCollectedPayment,
  recordLatePayment,
  recordReturnedMoney,
  resolveOrderReview,
} from './order-settlement.js';
export { orderViewFor, toAddressView, toOrderSnapshot, toOrderSummary } from './order-views.js';
export type { OrderRow } from './orders.repository.js';
export {
  type ChangeWrites,
  findAddressesOfOrders,
  findLinesOfOrders,
  findOrderAddresses,
  findOrderById,
  findOrderLines,
  findOrdersAwaitingPayment,
  findOrdersByIds,
  findOrderWith,
  lockOrderWith,
  ORDER_MOVED,
  type OrderAddressRow,
  type OrderLineRow,
  placedOrderId,
  type StatementWrites,
  withPlacedNumber,
} from './orders.repository.js';
export { expectedVersion, type OrderDeps } from './orders.routes.js';
export {
  Address,
  BuyerIdentity,
  Customer,
  Order,
  OrderDetail,
  OrderSummary,
  PAYMENT_METHODS,
  PlacedOrder,
  PlaceOrderBody,
  type PlaceOrderInput,
} from './orders.schemas.js';
export { toE164 } from './phone-number.js';
export {
  type OrderPlacedSnapshot,
  type PlacedOrder as PlacedOrderResult,
  type PlaceOrderContext,
  placeOrder,
  placeOrderInTransaction,
} from './place-order.js';

export function scheduledOrderJobs(db: Db, hooks: OrderHooks, autoCompleteDays = 10): ScheduledJob[] {
  return [
    { name: 'cancel unpaid orders', run: (now) => cancelOverdueOrders(db, now, hooks) },
    { name: 'complete delivered orders', run: (now) => completeDeliveredOrders(db, now, autoCompleteDays) },
  ];
}

export const ordersModule = {
  name: 'orders',
  migrations: {
    '20261122_0400_orders': m1122_0400,
    '20261123_0100_order_lifecycle': m1123_0100,
    '20261204_2330_phones_e164': m1204_2330,
    '20261204_2345_order_access': m1204_2345,
    '20261205_1510_order_pricing': m1205_1510,
    '20261206_0510_placement_refusals': m1206_0510,
  },
  routes: [orderRoutes],
  jobs: (deps) => scheduledOrderJobs(deps.db, deps.orderHooks, deps.config.orderAutoCompleteDays),
} satisfies Module<OrderDeps & { config: Pick<Config, 'orderAutoCompleteDays'> }>;
export { type HistoricalOrder, importHistoricalOrders, writeHistoricalOrders } from './historical-orders.js';
export {
  findHistoricalOrderFacts,
  findOrderDimensions,
  type HistoricalOrderFacts,
} from './order-dimensions.repository.js';
export { recordRefusedPlacement, refusalsPerHour } from './order-refusals.repository.js';
export { countOrdersPerBucket, lastOrderBefore } from './order-volume.repository.js';
