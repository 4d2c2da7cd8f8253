import type { Insertable } from 'kysely';
import type { Conn, Trx } from '../../platform/db/database.js';
import type { StockAdjustmentsTable } from './inventory.tables.js';
import { warehouseRefIs } from './warehouses.repository.js';

export async function insertAdjustments(trx: Trx, rows: Insertable<StockAdjustmentsTable>[]) {
  if (rows.length === 0) return [];
  return trx.insertInto('stock_adjustments').values(rows).returningAll().execute();
}

/** Newest first; ids are UUIDv7, so `id` alone orders by creation and keys the cursor. */
export async function listAdjustments(
  db: Conn,
  filter: { sku?: string; warehouse?: string; beforeId?: string; limit: number },
) {
  let q = db
    .selectFrom('stock_adjustments')
    .innerJoin('warehouses', 'warehouses.id', 'stock_adjustments.warehouse_id')
    .selectAll('stock_adjustments')
    .select('warehouses.code as warehouse_code')
    .orderBy('stock_adjustments.id', 'desc')
    .limit(filter.limit);
  if (filter.sku !== undefined) q = q.where('stock_adjustments.sku', '=', filter.sku);
  if (filter.warehouse !== undefined) q = q.where(warehouseRefIs(filter.warehouse));
  if (filter.beforeId !== undefined) q = q.where('stock_adjustments.id', '<', filter.beforeId);
  return q.execute();
}
