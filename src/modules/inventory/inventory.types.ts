import type { ReservationStatus } from './inventory.tables.js';

/** One order line to reserve. */
export interface ReservationRequest {
  lineId: string;
  sku: string;
  quantity: number;
  /** Where the line ships to, for nearest-warehouse allocation. */
  destination: { country: string; province?: string | null };
}

export interface ReservationView {
  id: string;
  lineId: string | null;
  sku: string;
  warehouseId: string;
  warehouseCode: string;
  quantity: number;
  status: ReservationStatus;
}

export interface Shortage {
  sku: string;
  /** Total quantity of the SKU over the whole order. */
  requested: number;
  /** Total sellable quantity of the SKU over active warehouses when the order was planned. */
  available: number;
}

export type ReserveResult =
  | { ok: true; reservations: ReservationView[] }
  | { ok: false; shortages: Shortage[] };
