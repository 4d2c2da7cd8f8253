import type { Db } from '../../platform/db/database.js';
import type { ScheduledJob } from '../../platform/scheduler.js';
import { cancelOverdueOrders } from './order-commands.js';
import type { OrderHooks } from './order-hooks.js';

export { lockOrder, recordOrderPayment, recordOrderRefund } from './order-commands.js';
export { NO_ORDER_HOOKS, type OrderHooks } from './order-hooks.js';
export { toOrderSnapshot } from './order-views.js';
export type { OrderRow } from './orders.repository.js';
export { expectedVersion, orderRoutes } from './orders.routes.js';
export {
  Address,
  Customer,
  Order,
  PAYMENT_METHODS,
  PlaceOrderBody,
  type PlaceOrderInput,
} from './orders.schemas.js';
export { placeOrderInTransaction } from './place-order.js';

export function scheduledOrderJobs(db: Db, hooks: OrderHooks): ScheduledJob[] {
  return [{ name: 'cancel unpaid orders', run: (now) => cancelOverdueOrders(db, now, hooks) }];
}
