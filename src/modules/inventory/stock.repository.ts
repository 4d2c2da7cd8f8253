import { sql } from 'kysely';
import type { Conn, Trx } from '../../platform/db/database.js';
import type { StockKey } from './stock-key.js';
import { warehouseRefIs } from './warehouses.repository.js';

// Every statement here that changes a stock level is conditional and complete on its own: the check
// and the change happen in the same UPDATE, under the row lock PostgreSQL takes for it. Under READ
// COMMITTED a blocked UPDATE re-evaluates its WHERE against the row as committed by whoever held the
// lock, so two sessions can never both pass a check that only one of them should.

const stockColumns = [
  'stock_levels.sku',
  'stock_levels.warehouse_id',
  'stock_levels.on_hand',
  'stock_levels.reserved',
  'stock_levels.safety_stock',
  'stock_levels.updated_at',
] as const;

export async function listStockLevels(
  db: Conn,
  filter: { sku?: string; warehouse?: string; after?: [sku: string, code: string]; limit: number },
) {
  let q = db
    .selectFrom('stock_levels')
    .innerJoin('warehouses', 'warehouses.id', 'stock_levels.warehouse_id')
    .select([...stockColumns, 'warehouses.code as warehouse_code', 'warehouses.active as warehouse_active'])
    .orderBy('stock_levels.sku')
    .orderBy('warehouses.code')
    .limit(filter.limit);
  if (filter.sku !== undefined) q = q.where('stock_levels.sku', '=', filter.sku);
  if (filter.warehouse !== undefined) q = q.where(warehouseRefIs(filter.warehouse));
  const after = filter.after;
  if (after)
    q = q.where((eb) => eb(eb.refTuple('stock_levels.sku', 'warehouses.code'), '>', eb.tuple(...after)));
  return q.execute();
}

/** Totals per SKU over its warehouses (optionally one); sellable counts active warehouses only. */
export async function stockTotals(db: Conn, skus: readonly string[], warehouse?: string) {
  if (skus.length === 0) return [];
  let q = db
    .selectFrom('stock_levels')
    .innerJoin('warehouses', 'warehouses.id', 'stock_levels.warehouse_id')
    .select([
      'stock_levels.sku',
      sql<number>`sum(stock_levels.on_hand)::int`.as('on_hand'),
      sql<number>`sum(stock_levels.reserved)::int`.as('reserved'),
      sql<number>`sum(case when warehouses.active
        then greatest(0, stock_levels.on_hand - stock_levels.reserved - stock_levels.safety_stock) else 0 end)::int`.as(
        'sellable',
      ),
    ])
    .where('stock_levels.sku', 'in', skus)
    .groupBy('stock_levels.sku')
    .orderBy('stock_levels.sku');
  if (warehouse !== undefined) q = q.where(warehouseRefIs(warehouse));
  return q.execute();
}

export async function findStockLevel(db: Conn, key: StockKey) {
  return db
    .selectFrom('stock_levels')
    .select(stockColumns)
    .where('sku', '=', key.sku)
    .where('warehouse_id', '=', key.warehouseId)
    .executeTakeFirst();
}

/** Creates the (empty) level if it is missing, so the conditional UPDATEs below have a row to work on. */
export async function ensureStockLevel(trx: Trx, key: StockKey): Promise<void> {
  await trx
    .insertInto('stock_levels')
    .values({ sku: key.sku, warehouse_id: key.warehouseId })
    .onConflict((oc) => oc.columns(['sku', 'warehouse_id']).doNothing())
    .execute();
}

/**
 * Sets on hand to an absolute count, unless that is below what is reserved; returns the count it
 * replaced (for the adjustment's delta), or undefined when refused.
 *
 *   with before as (select on_hand from stock_levels where sku = $s and warehouse_id = $w for update)
 *   update stock_levels set on_hand = $n, safety_stock = coalesce($ss, safety_stock), updated_at = now()
 *   from before
 *   where sku = $s and warehouse_id = $w and reserved <= $n
 *   returning before.on_hand as on_hand_before, …
 *
 * The CTE locks the row first, so `before.on_hand` is the committed count this statement replaces,
 * not a stale one from the statement's snapshot (RETURNING alone shows only the new values).
 */
export async function setOnHand(trx: Trx, key: StockKey, onHand: number, safetyStock?: number) {
  return trx
    .with('before', (db) =>
      db
        .selectFrom('stock_levels')
        .select('on_hand')
        .where('sku', '=', key.sku)
        .where('warehouse_id', '=', key.warehouseId)
        .forUpdate(),
    )
    .updateTable('stock_levels')
    .from('before')
    .set((eb) => ({
      on_hand: onHand,
      safety_stock: safetyStock ?? eb.ref('stock_levels.safety_stock'),
      updated_at: sql`now()`,
    }))
    .where('stock_levels.sku', '=', key.sku)
    .where('stock_levels.warehouse_id', '=', key.warehouseId)
    .where('stock_levels.reserved', '<=', onHand)
    .returning(['before.on_hand as on_hand_before', ...stockColumns])
    .executeTakeFirst();
}

/**
 * Moves on hand by a delta, unless that would leave less on hand than is reserved (undefined then).
 *
 *   update stock_levels set on_hand = on_hand + $d, updated_at = now()
 *   where sku = $s and warehouse_id = $w and on_hand + $d >= reserved
 *   returning …
 */
export async function adjustOnHand(trx: Trx, key: StockKey, delta: number) {
  return trx
    .updateTable('stock_levels')
    .set({ on_hand: sql`on_hand + ${delta}`, updated_at: sql`now()` })
    .where('sku', '=', key.sku)
    .where('warehouse_id', '=', key.warehouseId)
    .where(sql<boolean>`on_hand + ${delta} >= reserved`)
    .returning(stockColumns)
    .executeTakeFirst();
}

/**
 * Reserves `quantity` if that much is sellable right now; false when it is not (someone took it).
 *
 *   update stock_levels set reserved = reserved + $q, updated_at = now()
 *   where sku = $s and warehouse_id = $w and on_hand - reserved - safety_stock >= $q
 *   returning reserved
 */
export async function reserveStock(trx: Trx, key: StockKey, quantity: number): Promise<boolean> {
  const row = await trx
    .updateTable('stock_levels')
    .set({ reserved: sql`reserved + ${quantity}`, updated_at: sql`now()` })
    .where('sku', '=', key.sku)
    .where('warehouse_id', '=', key.warehouseId)
    .where(sql<boolean>`on_hand - reserved - safety_stock >= ${quantity}`)
    .returning('reserved')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Gives back reserved units. Called only with what a reservation flip (active → released) just
 * returned, so each reservation is given back once; the table's `reserved >= 0` check is the backstop.
 *
 *   update stock_levels set reserved = reserved - $q, updated_at = now() where sku = $s and warehouse_id = $w
 */
export async function releaseStock(trx: Trx, key: StockKey, quantity: number): Promise<void> {
  await trx
    .updateTable('stock_levels')
    .set({ reserved: sql`reserved - ${quantity}`, updated_at: sql`now()` })
    .where('sku', '=', key.sku)
    .where('warehouse_id', '=', key.warehouseId)
    .execute();
}

/**
 * Ships reserved units: they leave on hand and reserved together, so available does not move. Called
 * only with what a reservation flip (active → committed) just returned.
 *
 *   update stock_levels set on_hand = on_hand - $q, reserved = reserved - $q, updated_at = now()
 *   where sku = $s and warehouse_id = $w
 *   returning on_hand
 */
export async function commitStock(trx: Trx, key: StockKey, quantity: number): Promise<number> {
  const row = await trx
    .updateTable('stock_levels')
    .set({
      on_hand: sql`on_hand - ${quantity}`,
      reserved: sql`reserved - ${quantity}`,
      updated_at: sql`now()`,
    })
    .where('sku', '=', key.sku)
    .where('warehouse_id', '=', key.warehouseId)
    .returning('on_hand')
    .executeTakeFirstOrThrow();
  return row.on_hand;
}

/**
 * What can be allocated for the SKUs: sellable per active warehouse, with what ranks the warehouse.
 * `lock` takes the rows FOR UPDATE (in key order) so the plan cannot go stale before it is executed.
 */
export async function readAllocatableStock(trx: Trx, skus: readonly string[], lock = false) {
  if (skus.length === 0) return [];
  const q = trx
    .selectFrom('stock_levels')
    .innerJoin('warehouses', 'warehouses.id', 'stock_levels.warehouse_id')
    .select([
      'stock_levels.sku',
      'stock_levels.warehouse_id',
      'warehouses.code as warehouse_code',
      'warehouses.country',
      'warehouses.region',
      'warehouses.priority',
      sql<number>`greatest(0, stock_levels.on_hand - stock_levels.reserved - stock_levels.safety_stock)`.as(
        'sellable',
      ),
    ])
    .where('warehouses.active', '=', true)
    .where('stock_levels.sku', 'in', skus)
    .orderBy('stock_levels.sku')
    .orderBy('stock_levels.warehouse_id');
  return lock ? q.forUpdate('stock_levels').execute() : q.execute();
}

/**
 *   select sku, sum(greatest(0, on_hand - reserved - safety_stock)) from stock_levels
 *   join warehouses on … and active where sku in (…) group by sku
 */
export async function sumSellable(db: Conn, skus: readonly string[]) {
  if (skus.length === 0) return [];
  return db
    .selectFrom('stock_levels')
    .innerJoin('warehouses', 'warehouses.id', 'stock_levels.warehouse_id')
    .select([
      'stock_levels.sku',
      sql<number>`sum(greatest(0, stock_levels.on_hand - stock_levels.reserved - stock_levels.safety_stock))::int`.as(
        'sellable',
      ),
    ])
    .where('warehouses.active', '=', true)
    .where('stock_levels.sku', 'in', skus)
    .groupBy('stock_levels.sku')
    .execute();
}

/**
 * SKUs with something to sell, as a subquery for `where sku in (…)`. Columns are qualified because
 * the outer query (catalog's variants) has a `sku` of its own.
 *
 *   select stock_levels.sku from stock_levels
 *   where stock_levels.on_hand - stock_levels.reserved - stock_levels.safety_stock > 0
 *     and stock_levels.warehouse_id in (select warehouses.id from warehouses where warehouses.active = true)
 */
export function selectInStockSkus(db: Conn) {
  return db
    .selectFrom('stock_levels')
    .select('stock_levels.sku')
    .where(sql<boolean>`stock_levels.on_hand - stock_levels.reserved - stock_levels.safety_stock > 0`)
    .where(
      'stock_levels.warehouse_id',
      'in',
      db.selectFrom('warehouses').select('warehouses.id').where('warehouses.active', '=', true),
    );
}
