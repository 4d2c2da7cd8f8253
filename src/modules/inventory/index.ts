import type { Module } from '../../platform/module.js';
import { type InventoryDeps, inventoryRoutes } from './inventory.routes.js';
import * as m1122_0300 from './migrations/20261122_0300_inventory.js';
import * as m1205_1901 from './migrations/20261205_1901_stock_level_events.js';
import * as m1213_0100 from './migrations/20261213_0100_stock_level_events_per_statement.js';
import { inventoryCommands } from './stock-count-command.js';

// The only file other modules import from inventory.
export { LockedStock, type PlannedReservations, planReservations, reserveForOrder } from './allocation.js';
export {
  availableBySku,
  availableBySkuSql,
  inStockSkus,
  reservedFrom,
  sellableInWarehouses,
  stockBySkuAndWarehouse,
  type WarehouseStock,
} from './availability.js';
export { seedDemoInventory } from './demo-inventory.js';
export type { ReservationRequest, ReservationView, ReserveResult, Shortage } from './inventory.types.js';
export {
  findWarehouse,
  findWarehouses,
  releaseLineUnits,
  restockReturned,
} from './reservation-changes.js';
export {
  commitForOrder,
  commitReservations,
  listReservationsForOrder,
  listReservationsForOrders,
  releaseForOrder,
} from './reservations.js';
export { type AllocatableStockRow, allocatableStockJson } from './stock.repository.js';
export { applyStockCount, type StockCount } from './stock-count.js';

export const inventoryModule = {
  name: 'inventory',
  migrations: {
    '20261122_0300_inventory': m1122_0300,
    '20261205_1901_stock_level_events': m1205_1901,
    '20261213_0100_stock_level_events_per_statement': m1213_0100,
  },
  routes: [inventoryRoutes],
  commands: inventoryCommands,
} satisfies Module<InventoryDeps>;
