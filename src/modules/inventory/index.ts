// The only file other modules import from inventory.
export { LockedStock, type PlannedReservations, planReservations, reserveForOrder } from './allocation.js';
export { availableBySku, inStockSkus } from './availability.js';
export { seedDemoInventory } from './demo-inventory.js';
export { inventoryRoutes } from './inventory.routes.js';
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
