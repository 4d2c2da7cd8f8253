import {
  type Expression,
  expressionBuilder,
  type Insertable,
  type Selectable,
  type SqlBool,
  type Updateable,
} from 'kysely';
import type { Conn, Database } from '../../platform/db/database.js';
import { UUID_PATTERN } from '../../platform/ids.js';
import type { WarehousesTable } from './inventory.tables.js';

export type WarehouseRow = Selectable<WarehousesTable>;

const uuid = new RegExp(UUID_PATTERN);

/**
 * `warehouses.code = $ref`, or also `warehouses.id = $ref` when the text is a UUID: a warehouse is
 * named by either. Usable in any query that has `warehouses` in scope.
 */
export function warehouseRefIs(ref: string): Expression<SqlBool> {
  const eb = expressionBuilder<Database, 'warehouses'>();
  const byCode = eb('warehouses.code', '=', ref);
  return uuid.test(ref) ? eb.or([byCode, eb('warehouses.id', '=', ref.toLowerCase())]) : byCode;
}

/** Inserts unless the code is taken; `undefined` then. */
export async function insertWarehouse(
  db: Conn,
  row: Insertable<WarehousesTable>,
): Promise<WarehouseRow | undefined> {
  return db
    .insertInto('warehouses')
    .values(row)
    .onConflict((oc) => oc.column('code').doNothing())
    .returningAll()
    .executeTakeFirst();
}

export async function findWarehouseByRef(db: Conn, ref: string): Promise<WarehouseRow | undefined> {
  return db.selectFrom('warehouses').selectAll().where(warehouseRefIs(ref)).executeTakeFirst();
}

export async function findWarehousesByIds(db: Conn, ids: readonly string[]): Promise<WarehouseRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('warehouses').selectAll().where('id', 'in', ids).execute();
}

export async function listWarehouses(
  db: Conn,
  filter: { active?: boolean; afterCode?: string; limit: number },
) {
  let q = db.selectFrom('warehouses').selectAll().orderBy('code').limit(filter.limit);
  if (filter.active !== undefined) q = q.where('active', '=', filter.active);
  if (filter.afterCode !== undefined) q = q.where('code', '>', filter.afterCode);
  return q.execute();
}

export async function updateWarehouse(
  db: Conn,
  id: string,
  patch: Updateable<WarehousesTable>,
): Promise<WarehouseRow | undefined> {
  return db.updateTable('warehouses').set(patch).where('id', '=', id).returningAll().executeTakeFirst();
}
