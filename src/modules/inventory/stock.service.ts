import type { Insertable } from 'kysely';
import { recordChange } from '../../platform/audit/audit-recorder.js';
import type { Db, Trx } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { AppError, invalid, notFound } from '../../platform/errors.js';
import { decodeCursor, IdCursor, pageOf } from '../../platform/http/pagination.js';
import { newId } from '../../platform/ids.js';
import { resolveSkus } from '../catalog/index.js';
import { insertAdjustments, listAdjustments } from './adjustments.repository.js';
import {
  type Adjustment,
  type AdjustmentBody,
  type AdjustmentQuery,
  type SetStockBody,
  StockCursor,
  type StockLevel,
  type StockQuery,
} from './inventory.schemas.js';
import type { StockAdjustmentsTable } from './inventory.tables.js';
import {
  adjustOnHand,
  ensureStockLevel,
  findStockLevel,
  listStockLevels,
  setOnHand,
  stockTotals,
} from './stock.repository.js';
import type { StockKey } from './stock-key.js';
import { findWarehouseByRef, type WarehouseRow } from './warehouses.repository.js';

interface LevelRow {
  sku: string;
  warehouse_id: string;
  on_hand: number;
  reserved: number;
  safety_stock: number;
  updated_at: Date;
}

const toStockLevel = (row: LevelRow, warehouse: { code: string; active: boolean }): StockLevel => ({
  sku: row.sku,
  warehouseId: row.warehouse_id,
  warehouseCode: warehouse.code,
  warehouseActive: warehouse.active,
  onHand: row.on_hand,
  reserved: row.reserved,
  available: row.on_hand - row.reserved,
  safetyStock: row.safety_stock,
  sellable: Math.max(0, row.on_hand - row.reserved - row.safety_stock),
  updatedAt: row.updated_at.toISOString(),
});

type AdjustmentRow = Awaited<ReturnType<typeof insertAdjustments>>[number];

const toAdjustment = (row: AdjustmentRow, warehouseCode: string): Adjustment => ({
  id: row.id,
  sku: row.sku,
  warehouseId: row.warehouse_id,
  warehouseCode,
  delta: row.delta,
  onHandAfter: row.on_hand_after,
  reason: row.reason,
  note: row.note,
  actor: row.actor,
  createdAt: row.created_at.toISOString(),
});

export async function listStock(db: Db, query: StockQuery) {
  const limit = query.limit ?? 50;
  const after = decodeCursor(query.cursor, StockCursor);
  const rows = await listStockLevels(db, {
    sku: query.sku,
    warehouse: query.warehouse,
    after,
    limit: limit + 1,
  });
  const { data, nextCursor } = pageOf(
    rows,
    limit,
    (r) => toStockLevel(r, { code: r.warehouse_code, active: r.warehouse_active }),
    (last) => [last.sku, last.warehouse_code],
  );
  const totals = await stockTotals(db, [...new Set(data.map((r) => r.sku))], query.warehouse);
  return {
    data,
    totals: totals.map((t) => ({
      sku: t.sku,
      onHand: t.on_hand,
      reserved: t.reserved,
      available: t.on_hand - t.reserved,
      sellable: t.sellable,
    })),
    nextCursor,
  };
}

/** The SKU must be in the catalog (any status: stock of a draft product may arrive before launch). */
async function requireSku(trx: Trx, sku: string, missing: () => AppError): Promise<void> {
  if (!(await resolveSkus(trx, [sku])).has(sku)) throw missing();
}

/** The refusal when a change would leave less on hand than is reserved, with the current numbers. */
async function belowReserved(trx: Trx, key: StockKey, warehouse: WarehouseRow): Promise<AppError> {
  const current = await findStockLevel(trx, key);
  const onHand = current?.on_hand ?? 0;
  const reserved = current?.reserved ?? 0;
  return new AppError(
    'conflict',
    `On hand of ${key.sku} at ${warehouse.code} cannot fall below the ${reserved} units reserved (on hand: ${onHand})`,
    { onHand, reserved },
  );
}

/** An adjustment and its audit record (on hand before and after), in the adjusting transaction. */
async function insertAuditedAdjustment(
  trx: Trx,
  warehouseCode: string,
  row: Insertable<StockAdjustmentsTable> & { on_hand_after: number; delta: number },
) {
  const [adjustment] = await insertAdjustments(trx, [row]);
  await recordChange(trx, {
    action: 'stock.adjust',
    resource: 'stock',
    resourceId: `${row.sku}@${warehouseCode}`,
    before: { onHand: row.on_hand_after - row.delta },
    after: { onHand: row.on_hand_after },
    detail: { reason: row.reason, adjustmentId: row.id },
  });
  return adjustment!;
}

/** PUT: sets the counted on-hand quantity (and optionally safety stock), recording the difference. */
export async function setStock(
  db: Db,
  sku: string,
  warehouseRef: string,
  input: SetStockBody,
  actor: string | null,
): Promise<StockLevel> {
  return inTransaction(db, async (trx) => {
    const warehouse = await findWarehouseByRef(trx, warehouseRef);
    if (!warehouse) throw notFound('Warehouse', warehouseRef);
    await requireSku(trx, sku, () => notFound('SKU', sku));
    const key = { sku, warehouseId: warehouse.id };
    await ensureStockLevel(trx, key);
    const row = await setOnHand(trx, key, input.onHand, input.safetyStock);
    if (!row) throw await belowReserved(trx, key, warehouse);
    const delta = row.on_hand - row.on_hand_before;
    if (delta !== 0) {
      await insertAuditedAdjustment(trx, warehouse.code, {
        id: newId(),
        sku,
        warehouse_id: warehouse.id,
        delta,
        on_hand_after: row.on_hand,
        reason: input.reason ?? 'count',
        note: input.note ?? null,
        actor,
      });
    }
    return toStockLevel(row, warehouse);
  });
}

const unknownReference = (field: string, message: string) =>
  new AppError('unprocessable', `The ${field.replace('body.', '')} is not known`, {
    errors: [{ field, message }],
  });

/** POST: moves on hand by a delta with a reason; refused if it would leave less than is reserved. */
export async function adjustStock(db: Db, input: AdjustmentBody, actor: string | null) {
  if (input.delta === 0) throw invalid([{ field: 'body.delta', message: 'must not be zero' }]);
  return inTransaction(db, async (trx) => {
    const warehouse = await findWarehouseByRef(trx, input.warehouse);
    if (!warehouse) throw unknownReference('body.warehouse', 'is not a warehouse code or id');
    await requireSku(trx, input.sku, () => unknownReference('body.sku', 'is not a SKU in the catalog'));
    const key = { sku: input.sku, warehouseId: warehouse.id };
    await ensureStockLevel(trx, key);
    const row = await adjustOnHand(trx, key, input.delta);
    if (!row) throw await belowReserved(trx, key, warehouse);
    const adjustment = await insertAuditedAdjustment(trx, warehouse.code, {
      id: newId(),
      sku: input.sku,
      warehouse_id: warehouse.id,
      delta: input.delta,
      on_hand_after: row.on_hand,
      reason: input.reason,
      note: input.note ?? null,
      actor,
    });
    return { ...toAdjustment(adjustment, warehouse.code), stock: toStockLevel(row, warehouse) };
  });
}

export async function listAdjustmentPage(db: Db, query: AdjustmentQuery) {
  const limit = query.limit ?? 50;
  const before = decodeCursor(query.cursor, IdCursor);
  const rows = await listAdjustments(db, {
    sku: query.sku,
    warehouse: query.warehouse,
    beforeId: before?.[0],
    limit: limit + 1,
  });
  return pageOf(
    rows,
    limit,
    (r) => toAdjustment(r, r.warehouse_code),
    (last) => [last.id],
  );
}
