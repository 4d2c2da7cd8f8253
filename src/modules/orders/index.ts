import type { Db } from '../../platform/db/database.js';
import type { ScheduledJob } from '../../platform/scheduler.js';
import { cancelOverdueOrders } from './order-commands.js';
import { completeDeliveredOrders } from './order-fulfilment.js';
import type { OrderHooks } from './order-hooks.js';

export { assertTransition, lockOrder, recordOrderPayment, recordOrderRefund } from './order-commands.js';
export {
  cancelOrderLines,
  completeDeliveredOrders,
  findOrderLineQuantities,
  markOrderDelivered,
  markOrderShipped,
} from './order-fulfilment.js';
export { NO_ORDER_HOOKS, type OrderHooks } from './order-hooks.js';
export {
  addOrderTimeline,
  closeOrderIfRefunded,
  flagOrderForReview,
  recordCollectedPayment,
  recordLatePayment,
} from './order-settlement.js';
export { toOrderSnapshot } from './order-views.js';
export type { OrderRow } from './orders.repository.js';
export { findOrderAddresses, type StatementWrites } from './orders.repository.js';
export { expectedVersion, orderRoutes } from './orders.routes.js';
export {
  Address,
  Customer,
  Order,
  PAYMENT_METHODS,
  PlaceOrderBody,
  type PlaceOrderInput,
} from './orders.schemas.js';
export { type PlaceOrderContext, placeOrder, placeOrderInTransaction } from './place-order.js';

export function scheduledOrderJobs(db: Db, hooks: OrderHooks, autoCompleteDays = 10): ScheduledJob[] {
  return [
    { name: 'cancel unpaid orders', run: (now) => cancelOverdueOrders(db, now, hooks) },
    { name: 'complete delivered orders', run: (now) => completeDeliveredOrders(db, now, autoCompleteDays) },
  ];
}
