import type { Db } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { AppError, notFound } from '../../platform/errors.js';
import { decodeCursor, pageOf } from '../../platform/http/pagination.js';
import { newId } from '../../platform/ids.js';
import {
  type CreateWarehouseBody,
  type UpdateWarehouseBody,
  type Warehouse,
  WarehouseCursor,
  type WarehouseListQuery,
} from './inventory.schemas.js';
import {
  findWarehouseByRef,
  insertWarehouse,
  listWarehouses,
  updateWarehouse,
  type WarehouseRow,
} from './warehouses.repository.js';

export const toWarehouse = (row: WarehouseRow): Warehouse => ({
  id: row.id,
  code: row.code,
  name: row.name,
  country: row.country,
  region: row.region,
  priority: row.priority,
  active: row.active,
  createdAt: row.created_at.toISOString(),
});

export async function createWarehouse(db: Db, input: CreateWarehouseBody): Promise<Warehouse> {
  const row = await inTransaction(db, (trx) =>
    insertWarehouse(trx, {
      id: newId(),
      code: input.code,
      name: input.name,
      country: input.country,
      region: input.region,
      priority: input.priority ?? 100,
      active: input.active ?? true,
    }),
  );
  if (!row) {
    throw new AppError('conflict', `A warehouse with code ${input.code} already exists`, {
      warehouseCode: input.code,
    });
  }
  return toWarehouse(row);
}

export async function getWarehouse(db: Db, ref: string): Promise<Warehouse> {
  const row = await findWarehouseByRef(db, ref);
  if (!row) throw notFound('Warehouse', ref);
  return toWarehouse(row);
}

export async function changeWarehouse(db: Db, ref: string, patch: UpdateWarehouseBody): Promise<Warehouse> {
  const row = await inTransaction(db, async (trx) => {
    const found = await findWarehouseByRef(trx, ref);
    return found && updateWarehouse(trx, found.id, patch);
  });
  if (!row) throw notFound('Warehouse', ref);
  return toWarehouse(row);
}

export async function listWarehousePage(db: Db, query: WarehouseListQuery) {
  const limit = query.limit ?? 50;
  const after = decodeCursor(query.cursor, WarehouseCursor);
  const rows = await listWarehouses(db, { active: query.active, afterCode: after?.[0], limit: limit + 1 });
  return pageOf(rows, limit, toWarehouse, (last) => [last.code]);
}
