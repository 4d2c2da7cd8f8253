import type { Module } from '../../platform/module.js';
import { type CartRouteDeps, cartRoutes } from './cart.routes.js';
import * as m1122_0410 from './migrations/20261122_0410_cart.js';
import * as m1206_0520 from './migrations/20261206_0520_cart_activity_index.js';

export { cartActivity } from './cart.repository.js';

export const cartModule = {
  name: 'cart',
  migrations: {
    '20261122_0410_cart': m1122_0410,
    '20261206_0520_cart_activity_index': m1206_0520,
  },
  routes: [cartRoutes],
} satisfies Module<CartRouteDeps>;
