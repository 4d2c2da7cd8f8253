import type { Module } from '../../platform/module.js';
import { type InventoryDeps, inventoryRoutes } from './inventory.routes.js';
import * as m1122_0300 from './migrations/20261122_0300_inventory.js';
import { inventoryCommands } from './stock-count-command.js';

// The only file other modules import from inventory.
export { LockedStock, type PlannedReservations, planReservations, reserveForOrder } from './allocation.js';
export { availableBySku, inStockSkus } from './availability.js';
export { seedDemoInventory } from './demo-inventory.js';
export type { ReservationRequest, ReservationView, ReserveResult, Shortage } from './inventory.types.js';
export {
  findWarehouse,
  releaseLineUnits,
  restockReturned,
} from './reservation-changes.js';
export {
  commitForOrder,
  commitReservations,
  listReservationsForOrder,
  releaseForOrder,
} from './reservations.js';
export { applyStockCount, type StockCount } from './stock-count.js';

export const inventoryModule = {
  name: 'inventory',
  migrations: {
    '20261122_0300_inventory': m1122_0300,
  },
  routes: [inventoryRoutes],
  commands: inventoryCommands,
} satisfies Module<InventoryDeps>;
