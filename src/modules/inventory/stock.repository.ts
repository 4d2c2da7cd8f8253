import { type Insertable, type RawBuilder, sql } from 'kysely';
import type { Conn, Trx } from '../../platform/db/database.js';
import type { ReservationsTable } from './inventory.tables.js';
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

/**
 * A stock level's sellable units: on hand less reserved and safety stock, never below 0. The one SQL
 * spelling of it (the level-changed trigger and stock.service's view say the same in their languages).
 */
const sellable = sql<number>`greatest(0, stock_levels.on_hand - stock_levels.reserved - stock_levels.safety_stock)`;
/** The same, 0 in an inactive warehouse; for queries joined with `warehouses`. */
const sellableIfActive = sql<number>`case when warehouses.active then ${sellable} else 0 end`;

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
      sql<number>`sum(${sellableIfActive})::int`.as('sellable'),
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

export interface LevelQuantity extends StockKey {
  quantity: number;
}

/**
 * Reserves several stock levels and records the reservations in ONE statement, all or nothing for
 * the reservation rows: they are written only when every level had enough. Levels that did have
 * enough are returned (the caller gives them back with `unreserveStockLevels` when not all did).
 *
 *   with <takeLevels>,
 *   recorded as (insert into reservations select … where (select count(*) from stock_taken) = $n)
 *   select … from stock_taken
 */
export async function reserveStockLevels(
  trx: Trx,
  levels: readonly LevelQuantity[],
  reservations: readonly Insertable<ReservationsTable>[],
): Promise<{ taken: LevelQuantity[]; recorded: boolean }> {
  const { rows } = await sql<{ sku: string; warehouse_id: string; quantity: number; recorded: number }>`
    with ${takeLevels(levels)},
    recorded as (
      ${insertReservations(reservations)}
      where (select count(*) from stock_taken) = ${levels.length}
      returning 1
    )
    select sku, warehouse_id, quantity, (select count(*) from recorded)::int as recorded from stock_taken
  `.execute(trx);
  return {
    taken: rows.map((row) => ({ sku: row.sku, warehouseId: row.warehouse_id, quantity: row.quantity })),
    recorded: rows.length === levels.length && (rows[0]?.recorded ?? 0) === reservations.length,
  };
}

/**
 * The same writes as CTEs for a statement that writes more beside them (placing an order is one
 * statement): the levels are taken and the reservations recorded unconditionally, and `allTaken`
 * says whether every level had enough. The statement must fail when it is false (ordersync_assert),
 * which undoes whatever it did take.
 */
export function reservationWrites(
  levels: readonly LevelQuantity[],
  reservations: readonly Insertable<ReservationsTable>[],
): { ctes: RawBuilder<unknown>; allTaken: RawBuilder<boolean> } {
  return {
    ctes: sql`${takeLevels(levels)}, reservations_written as (${insertReservations(reservations)})`,
    allTaken: sql<boolean>`((select count(*) from stock_taken) = ${levels.length})`,
  };
}

/**
 * stock_want, stock_locked, stock_taken: reserve `quantity` on each level that has it.
 *
 *   stock_locked as materialized (select … from stock_levels join stock_want … order by sku, warehouse_id for update),
 *   stock_taken as (update stock_levels set reserved = reserved + q from stock_locked
 *                   where … and on_hand - reserved - safety_stock >= q returning …)
 *
 * `stock_locked` takes the row locks in (sku, warehouse_id) order, the same order every multi-row
 * stock statement uses, so concurrent orders queue instead of deadlocking. The UPDATE re-checks
 * availability on the latest row version (READ COMMITTED re-evaluates after a lock wait).
 */
function takeLevels(levels: readonly LevelQuantity[]): RawBuilder<unknown> {
  return sql`
    stock_want as (
      select * from unnest(${levels.map((l) => l.sku)}::text[], ${levels.map((l) => l.warehouseId)}::uuid[],
                           ${levels.map((l) => l.quantity)}::int[]) as w(sku, warehouse_id, quantity)
    ),
    stock_locked as materialized (
      select l.sku, l.warehouse_id, stock_want.quantity
      from stock_levels l join stock_want on stock_want.sku = l.sku and stock_want.warehouse_id = l.warehouse_id
      order by l.sku, l.warehouse_id
      for update of l
    ),
    stock_taken as (
      update stock_levels s
      set reserved = s.reserved + stock_locked.quantity, updated_at = now()
      from stock_locked
      where s.sku = stock_locked.sku and s.warehouse_id = stock_locked.warehouse_id
        and s.on_hand - s.reserved - s.safety_stock >= stock_locked.quantity
      returning s.sku, s.warehouse_id, stock_locked.quantity
    )`;
}

function insertReservations(r: readonly Insertable<ReservationsTable>[]): RawBuilder<unknown> {
  return sql`
    insert into reservations (id, order_id, line_id, sku, warehouse_id, quantity)
    select * from unnest(${r.map((x) => x.id)}::uuid[], ${r.map((x) => x.order_id)}::uuid[],
                         ${r.map((x) => x.line_id ?? null)}::uuid[], ${r.map((x) => x.sku)}::text[],
                         ${r.map((x) => x.warehouse_id)}::uuid[], ${r.map((x) => x.quantity)}::int[])`;
}

/**
 * Gives back what `reserveStockLevels` took when the order could not be served in full. The rows
 * are still locked by this transaction, so nothing else moved them in between.
 *
 *   update stock_levels set reserved = reserved - w.q from unnest(…) w where …
 */
export async function unreserveStockLevels(trx: Trx, levels: readonly LevelQuantity[]): Promise<void> {
  if (levels.length === 0) return;
  await sql`
    update stock_levels s
    set reserved = s.reserved - w.quantity, updated_at = now()
    from unnest(${levels.map((l) => l.sku)}::text[], ${levels.map((l) => l.warehouseId)}::uuid[],
                ${levels.map((l) => l.quantity)}::int[]) as w(sku, warehouse_id, quantity)
    where s.sku = w.sku and s.warehouse_id = w.warehouse_id
  `.execute(trx);
}

/**
 * Releases an order's active reservations and gives their units back to stock, in ONE statement.
 * Only rows this statement flipped from active are given back, so a cancel racing an unpaid-order
 * timeout releases once; the stock rows are locked in the common (sku, warehouse_id) order.
 *
 *   with flipped as (update reservations set status = 'released' where order_id = $1 and status = 'active' returning …),
 *   sums as (select sku, warehouse_id, sum(quantity) from flipped group by …),
 *   locked as materialized (select … from stock_levels join sums … order by sku, warehouse_id for update),
 *   given as (update stock_levels set reserved = reserved - q from locked where …)
 *   select … from flipped join warehouses …
 */
export async function releaseOrderReservations(trx: Trx, orderId: string) {
  const { rows } = await sql<{
    id: string;
    line_id: string | null;
    sku: string;
    warehouse_id: string;
    warehouse_code: string;
    quantity: number;
    status: 'released';
  }>`
    with flipped as (
      update reservations set status = 'released', updated_at = now()
      where order_id = ${orderId} and status = 'active'
      returning id, line_id, sku, warehouse_id, quantity, status
    ),
    sums as (
      select sku, warehouse_id, sum(quantity)::int as quantity from flipped group by sku, warehouse_id
    ),
    locked as materialized (
      select l.sku, l.warehouse_id, sums.quantity
      from stock_levels l join sums on sums.sku = l.sku and sums.warehouse_id = l.warehouse_id
      order by l.sku, l.warehouse_id
      for update of l
    ),
    given as (
      update stock_levels s
      set reserved = s.reserved - locked.quantity, updated_at = now()
      from locked
      where s.sku = locked.sku and s.warehouse_id = locked.warehouse_id
      returning 1
    )
    select f.id, f.line_id, f.sku, f.warehouse_id, w.code as warehouse_code, f.quantity, f.status
    from flipped f join warehouses w on w.id = f.warehouse_id
    order by f.id
  `.execute(trx);
  return rows;
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
export async function readAllocatableStock(trx: Conn, skus: readonly string[], lock = false) {
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
      sellable.as('sellable'),
    ])
    .where('warehouses.active', '=', true)
    .where('stock_levels.sku', 'in', skus)
    .orderBy('stock_levels.sku')
    .orderBy('stock_levels.warehouse_id');
  return lock ? q.forUpdate('stock_levels').execute() : q.execute();
}

/**
 * readAllocatableStock's rows as one json value, for another module's read that brings them along
 * (a checkout's read of its cart): the same columns, in the same order.
 */
export const allocatableStockJson = (skus: RawBuilder<string[]>) => sql<AllocatableStockRow[]>`(
  select coalesce(json_agg(s order by s.sku, s.warehouse_id), '[]'::json) from (
    select stock_levels.sku, stock_levels.warehouse_id, warehouses.code as warehouse_code,
      warehouses.country, warehouses.region, warehouses.priority, ${sellable} as sellable
    from stock_levels join warehouses on warehouses.id = stock_levels.warehouse_id
    where warehouses.active = true and stock_levels.sku = any(${skus})) s)`;
/** A row of readAllocatableStock: a SKU's sellable units in one active warehouse, with its rank. */
export type AllocatableStockRow = Awaited<ReturnType<typeof readAllocatableStock>>[number];

/**
 *   select sku, sum(greatest(0, on_hand - reserved - safety_stock)) from stock_levels
 *   join warehouses on … and active where sku in (…) [and warehouses.code in (…)] group by sku
 */
export async function sumSellable(db: Conn, skus: readonly string[], warehouseCodes?: readonly string[]) {
  if (skus.length === 0) return [];
  let q = db
    .selectFrom('stock_levels')
    .innerJoin('warehouses', 'warehouses.id', 'stock_levels.warehouse_id')
    .select(['stock_levels.sku', sql<number>`sum(${sellable})::int`.as('sellable')])
    .where('warehouses.active', '=', true)
    .where('stock_levels.sku', 'in', skus)
    .groupBy('stock_levels.sku');
  if (warehouseCodes) q = q.where('warehouses.code', 'in', warehouseCodes.length ? warehouseCodes : ['']);
  return q.execute();
}

/**
 * sumSellable over active warehouses as a subquery of another module's statement (a cart's write
 * answers with its stock): sellable units by SKU as a JSON object, for the SKUs `skus` (an SQL text
 * array) names; a SKU with no stock level is absent.
 *
 *   (select coalesce(json_object_agg(s.sku, s.sellable), '{}') from (select l.sku, sum(…)::int …
 *    from stock_levels l join warehouses w … where w.active and l.sku = any($skus) group by l.sku) s)
 */
export const sellableBySkuJson = (skus: RawBuilder<string[]>) => sql<Record<string, number>>`(
  select coalesce(json_object_agg(s.sku, s.sellable), '{}'::json) from (
    select l.sku, sum(greatest(0, l.on_hand - l.reserved - l.safety_stock))::int as sellable
    from stock_levels l join warehouses w on w.id = l.warehouse_id
    where w.active = true and l.sku = any(${skus})
    group by l.sku) s)`;

/**
 * SKUs with something to sell, as a subquery for `where sku in (…)`. Columns are qualified because
 * the outer query (catalog's variants) has a `sku` of its own.
 *
 *   select stock_levels.sku from stock_levels
 *   where greatest(0, stock_levels.on_hand - stock_levels.reserved - stock_levels.safety_stock) > 0
 *     and stock_levels.warehouse_id in (select warehouses.id from warehouses where warehouses.active = true)
 */
export function selectInStockSkus(db: Conn) {
  return db
    .selectFrom('stock_levels')
    .select('stock_levels.sku')
    .where(sql<boolean>`${sellable} > 0`)
    .where(
      'stock_levels.warehouse_id',
      'in',
      db.selectFrom('warehouses').select('warehouses.id').where('warehouses.active', '=', true),
    );
}

/** On hand and sellable per SKU and warehouse (code); sellable is 0 in an inactive warehouse. */
export async function stockPerWarehouse(db: Conn, skus: readonly string[]) {
  if (skus.length === 0) return [];
  return db
    .selectFrom('stock_levels')
    .innerJoin('warehouses', 'warehouses.id', 'stock_levels.warehouse_id')
    .select([
      'stock_levels.sku',
      'warehouses.code as warehouse',
      'warehouses.active',
      'stock_levels.on_hand as onHand',
      sellableIfActive.as('sellable'),
    ])
    .where('stock_levels.sku', 'in', skus)
    .orderBy('stock_levels.sku')
    .orderBy('warehouses.code')
    .execute();
}

/**
 * Units reserved per order, SKU and warehouse (code), whatever became of the reservation since
 * (committed, released): where each order's stock was taken from, as a subquery.
 */
export function selectReservedFrom(db: Conn) {
  return db
    .selectFrom('reservations')
    .innerJoin('warehouses', 'warehouses.id', 'reservations.warehouse_id')
    .select([
      'reservations.order_id',
      'reservations.sku',
      'warehouses.code as warehouse',
      'reservations.quantity',
    ]);
}
