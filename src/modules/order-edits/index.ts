import type { Module } from '../../platform/module.js';
import * as m1206_0300 from './migrations/20261206_0300_order_edits.js';
import { type OrderEditDeps, orderEditRoutes } from './order-edits.routes.js';

/**
 * Order edits before shipment (issue 16 part 5). A module of its own above orders, inventory,
 * pricing and payments, because an edit moves all four in one transaction: the order's lines and
 * totals, its reservations, its price, and the money that changes hands.
 */
export const orderEditsModule = {
  name: 'order-edits',
  migrations: {
    '20261206_0300_order_edits': m1206_0300,
  },
  routes: [orderEditRoutes],
} satisfies Module<OrderEditDeps>;

export { editOrder } from './edit-order.js';
