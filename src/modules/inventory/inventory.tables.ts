import type { CreatedAt, Generated } from '../../platform/db/columns.js';
import type { MovementReason } from './inventory.schemas.js';

export interface WarehousesTable {
  id: string;
  code: string;
  name: string;
  country: string;
  region: string;
  priority: Generated<number>;
  active: Generated<boolean>;
  created_at: CreatedAt;
}

export interface StockLevelsTable {
  sku: string;
  warehouse_id: string;
  on_hand: Generated<number>;
  reserved: Generated<number>;
  safety_stock: Generated<number>;
  updated_at: CreatedAt;
}

export interface StockAdjustmentsTable {
  id: string;
  sku: string;
  warehouse_id: string;
  delta: number;
  on_hand_after: number;
  reason: MovementReason;
  note: string | null;
  actor: string | null;
  created_at: CreatedAt;
}

export type ReservationStatus = 'active' | 'released' | 'committed';

export interface ReservationsTable {
  id: string;
  order_id: string;
  line_id: string | null;
  sku: string;
  warehouse_id: string;
  quantity: number;
  status: Generated<ReservationStatus>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface InventoryTables {
  warehouses: WarehousesTable;
  stock_levels: StockLevelsTable;
  stock_adjustments: StockAdjustmentsTable;
  reservations: ReservationsTable;
}
