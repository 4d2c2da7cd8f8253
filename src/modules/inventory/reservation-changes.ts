import type { Conn, Trx } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { insertAdjustments } from './adjustments.repository.js';
import { lockActiveLineReservations, shrinkReservation } from './reservations.repository.js';
import { adjustOnHand, ensureStockLevel, unreserveStockLevels } from './stock.repository.js';
import { findWarehouseByRef, findWarehousesByIds, type WarehouseRow } from './warehouses.repository.js';

/**
 * Gives back some units of order lines that will not ship (refund-only before shipment), taking them
 * from the line's newest active reservations first. 409 when the line has fewer units reserved.
 */
export async function releaseLineUnits(
  trx: Trx,
  orderId: string,
  lines: readonly { lineId: string; quantity: number }[],
): Promise<void> {
  for (const line of lines) {
    let left = line.quantity;
    for (const r of await lockActiveLineReservations(trx, orderId, line.lineId)) {
      if (left === 0) break;
      const take = Math.min(left, r.quantity);
      await shrinkReservation(trx, r.id, take, take === r.quantity);
      await unreserveStockLevels(trx, [{ sku: r.sku, warehouseId: r.warehouse_id, quantity: take }]);
      left -= take;
    }
    if (left > 0) {
      throw new AppError('conflict', `Line ${line.lineId} has ${line.quantity - left} units still reserved`);
    }
  }
}

/** Returned goods back on the shelf: on hand grows, with a 'return' entry in the stock history. */
export async function restockReturned(
  trx: Trx,
  input: { sku: string; warehouse: string; quantity: number; note: string; actor: string },
): Promise<{ warehouseId: string; warehouseCode: string }> {
  const warehouse = await findWarehouseByRef(trx, input.warehouse);
  if (!warehouse) {
    throw new AppError('unprocessable', `Warehouse ${input.warehouse} is not known`, {
      errors: [{ field: 'body.warehouse', message: 'is not a warehouse code or id' }],
    });
  }
  const key = { sku: input.sku, warehouseId: warehouse.id };
  await ensureStockLevel(trx, key);
  const row = await adjustOnHand(trx, key, input.quantity);
  await insertAdjustments(trx, [
    {
      id: newId(),
      sku: input.sku,
      warehouse_id: warehouse.id,
      delta: input.quantity,
      on_hand_after: row!.on_hand,
      reason: 'return',
      note: input.note,
      actor: input.actor,
    },
  ]);
  return { warehouseId: warehouse.id, warehouseCode: warehouse.code };
}

const warehouseView = (w: WarehouseRow) => ({
  id: w.id,
  code: w.code,
  name: w.name,
  country: w.country,
  region: w.region,
});

/** A warehouse by code or id, for modules that name one (shipments, restocking). */
export async function findWarehouse(db: Conn, ref: string) {
  const w = await findWarehouseByRef(db, ref);
  return w ? warehouseView(w) : undefined;
}

/** Several warehouses by id, in one read. */
export async function findWarehouses(db: Conn, ids: readonly string[]) {
  return (await findWarehousesByIds(db, ids)).map(warehouseView);
}
