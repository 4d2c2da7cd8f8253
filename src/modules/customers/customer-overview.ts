import type { Role } from '../../platform/auth/roles.js';
import type { Db } from '../../platform/db/database.js';
import { inSnapshot } from '../../platform/db/transaction.js';
import { type OrderHooks, orderViewFor, readOrderDetail } from '../orders/index.js';
import { getCustomerDetail } from './customer-queries.js';
import { customerSection } from './customer-section.js';
import { customerDetailFor } from './customer-views.js';

/** How many of the newest orders the overview opens in full. */
const ORDERS_IN_FULL = 20;

/**
 * A support agent's one page: the customer in detail and their newest orders as GET /v1/orders/{id}
 * shows them — payments, shipments with tracking, returns with knowledge-base suggestions, and any
 * section another module adds to an order (notifications sent), without this module knowing them.
 * Each part as `viewer` may see it: support's masked, as on the customer's and the order's own pages.
 */
export async function getCustomerOverview(
  db: Db,
  id: string,
  orderHooks: OrderHooks,
  viewer: Role | undefined,
) {
  // The customer's own section of an order page would repeat the customer on every order.
  const hooks = {
    ...orderHooks,
    detailSections: orderHooks.detailSections.filter((s) => s !== customerSection),
  };
  // One snapshot for the customer and their orders, as for one order's page (getOrderDetail).
  return inSnapshot(db, async (trx) => {
    const customer = await getCustomerDetail(trx, id);
    const orders = [];
    for (const order of customer.orders.slice(0, ORDERS_IN_FULL))
      orders.push(await readOrderDetail(trx, order.id, hooks, viewer));
    return {
      customer: customerDetailFor(viewer, customer),
      orders: orders.map((o) => orderViewFor(viewer, o)),
    };
  });
}
