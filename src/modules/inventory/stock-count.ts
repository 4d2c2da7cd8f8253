import type { Trx } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { resolveSkus } from '../catalog/index.js';
import { insertAdjustments } from './adjustments.repository.js';
import { ensureStockLevel, findStockLevel, setOnHand } from './stock.repository.js';
import { findWarehouseByRef } from './warehouses.repository.js';

export interface StockCount {
  sku: string;
  /** Warehouse code or id. */
  warehouse: string;
  onHand: number;
  note?: string | undefined;
}

/**
 * A counted on-hand quantity reported from outside (a WMS stock count), applied in the caller's
 * transaction so the caller can record the message it came in and apply it once. Same rules as
 * `PUT /v1/inventory/{sku}/{warehouse}`: the difference is kept as a `count` adjustment, and a count
 * below what is reserved is refused.
 */
export async function applyStockCount(
  trx: Trx,
  count: StockCount,
  actor: string,
): Promise<{ sku: string; warehouse: string; onHand: number; delta: number }> {
  const warehouse = await findWarehouseByRef(trx, count.warehouse);
  if (!warehouse) throw new AppError('unprocessable', `Warehouse ${count.warehouse} is not known`);
  if (!(await resolveSkus(trx, [count.sku])).has(count.sku)) {
    throw new AppError('unprocessable', `SKU ${count.sku} is not in the catalog`);
  }
  const key = { sku: count.sku, warehouseId: warehouse.id };
  await ensureStockLevel(trx, key);
  const row = await setOnHand(trx, key, count.onHand);
  if (!row) {
    const current = await findStockLevel(trx, key);
    throw new AppError(
      'conflict',
      `On hand of ${count.sku} at ${warehouse.code} cannot fall below the ${current?.reserved ?? 0} units reserved`,
    );
  }
  const delta = row.on_hand - row.on_hand_before;
  if (delta !== 0) {
    await insertAdjustments(trx, [
      {
        id: newId(),
        sku: count.sku,
        warehouse_id: warehouse.id,
        delta,
        on_hand_after: row.on_hand,
        reason: 'count',
        note: count.note ?? null,
        actor,
      },
    ]);
  }
  return { sku: count.sku, warehouse: warehouse.code, onHand: row.on_hand, delta };
}
