import type { Module } from '../../platform/module.js';
import { type CartRouteDeps, cartRoutes } from './cart.routes.js';
import * as m1122_0410 from './migrations/20261122_0410_cart.js';

export const cartModule = {
  name: 'cart',
  migrations: {
    '20261122_0410_cart': m1122_0410,
  },
  routes: [cartRoutes],
} satisfies Module<CartRouteDeps>;
