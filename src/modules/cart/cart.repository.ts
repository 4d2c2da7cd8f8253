import { type Selectable, sql } from 'kysely';
import type { Conn, Trx } from '../../platform/db/database.js';
import { type AllocatableStockRow, allocatableStockJson, availableBySkuSql } from '../inventory/index.js';
import { placedOrderId, type StatementWrites } from '../orders/index.js';
import type { CartItemsTable, CartsTable } from './cart.tables.js';

export type CartRow = Selectable<CartsTable>;
export type CartItemRow = Selectable<CartItemsTable>;
/** A line as a cart shows it. */
export type CartLine = Pick<CartItemRow, 'id' | 'sku' | 'quantity'>;

/** A cart's lines as one json value, in the order they were added (for statements that return the cart). */
const linesOf = (rows: string) =>
  sql.raw(`coalesce((select json_agg(json_build_object('id', x.id, 'sku', x.sku, 'quantity', x.quantity)
    order by x.created_at, x.id) from (${rows}) x), '[]'::json)`);

/** Sellable units by SKU, read in a cart's write for the answer (inventory's subquery). */
export type CartStock = Record<string, number>;

/**
 * A new cart and its first lines (none, or some: a storefront that sends the whole basket at once),
 * with their stock for the answer, in one statement.
 */
export async function insertCart(
  db: Conn,
  cart: { id: string; currency: string | null },
  items: ReadonlyArray<{ id: string; sku: string; quantity: number }> = [],
): Promise<{ cart: CartRow; lines: CartLine[]; stock: CartStock }> {
  const skus = items.map((i) => i.sku);
  const { rows } = await sql<CartRow & { lines: CartLine[]; stock: CartStock }>`
    with c as (
      insert into carts (id, currency) values (${cart.id}, ${cart.currency}) returning *
    ), added as (
      insert into cart_items (id, cart_id, sku, quantity)
      select i.id, c.id, i.sku, i.quantity
      from c, unnest(${items.map((i) => i.id)}::uuid[], ${items.map((i) => i.sku)}::text[],
                     ${items.map((i) => i.quantity)}::int[]) with ordinality as i(id, sku, quantity, n)
      returning id, sku, quantity
    )
    select c.*, (select coalesce(json_agg(json_build_object('id', a.id, 'sku', a.sku, 'quantity', a.quantity)), '[]'::json)
                 from added a) as lines,
      ${availableBySkuSql(sql`${skus}::text[]`)} as stock
    from c`.execute(db);
  const { lines, stock, ...row } = rows[0]!;
  // the statement's own inserts keep no order; the caller's does
  const bySku = new Map(lines.map((l) => [l.sku, l]));
  return { cart: row, lines: items.map((i) => bySku.get(i.sku)!), stock };
}

/**
 * A cart with its lines and their allocatable stock in one read (checkout), and `stamp`, its
 * updated_at in microseconds: the checkout's statement places the order only while the cart is
 * still as read (checkoutWrites), and plans its reservations from this stock (inventory's subquery).
 */
export async function findCartWithLines(
  db: Conn,
  id: string,
): Promise<(CartRow & { stamp: string; lines: CartLine[]; stock: AllocatableStockRow[] }) | undefined> {
  const { rows } = await sql<CartRow & { stamp: string; lines: CartLine[]; stock: AllocatableStockRow[] }>`
    select c.*, (extract(epoch from c.updated_at) * 1000000)::bigint::text as stamp,
      ${linesOf('select i.id, i.sku, i.quantity, i.created_at from cart_items i where i.cart_id = c.id')} as lines,
      ${allocatableStockJson(sql`array(select i.sku from cart_items i where i.cart_id = c.id)`)} as stock
    from carts c where c.id = ${id}`.execute(db);
  return rows[0];
}

/** What a checkout's statement refuses with when the cart changed (or was checked out) since it was read. */
export const CART_CHANGED = 'cart_changed';

/**
 * The cart's part of the order's one statement: it is checked out, naming the order, only if it is
 * still open and unchanged since the checkout read it; otherwise the whole statement is refused.
 */
export function checkoutWrites(cartId: string, stamp: string): StatementWrites {
  return {
    ctes: sql`cart_checked_out as (
      update carts set status = 'checked_out', order_id = (${placedOrderId}), updated_at = now()
      where id = ${cartId} and status = 'open'
        and (extract(epoch from updated_at) * 1000000)::bigint = ${stamp}::bigint
      returning 1)`,
    check: sql<boolean>`ordersync_refuse_unless(exists (select 1 from cart_checked_out), ${CART_CHANGED})`,
  };
}

export async function findCart(db: Conn, id: string): Promise<CartRow | undefined> {
  return db.selectFrom('carts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function lockCart(trx: Trx, id: string): Promise<CartRow | undefined> {
  return trx.selectFrom('carts').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function findCartItems(db: Conn, cartId: string): Promise<CartItemRow[]> {
  return db
    .selectFrom('cart_items')
    .selectAll()
    .where('cart_id', '=', cartId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/**
 * Adds to a line of an open cart, or creates it, in ONE statement. The cart row is updated first:
 * its lock keeps a checkout from running beside the add, and only an open cart priced in the item's
 * currency (or in none yet, which it then takes) gets the item. The sum is capped by the table's
 * check (1..999), which the service turns into a clear error. Returns the cart as it is now, with
 * its lines, or undefined when the cart did not qualify.
 */
export async function addToOpenCart(
  db: Conn,
  item: { id: string; cart_id: string; sku: string; quantity: number },
  currency: string,
): Promise<(CartRow & { lines: CartLine[]; stock: CartStock }) | undefined> {
  // The statement's snapshot does not see its own insert: the lines are the others plus the one added.
  const { rows } = await sql<CartRow & { lines: CartLine[]; stock: CartStock }>`
    with c as (
      update carts set updated_at = now(), currency = coalesce(currency, ${currency})
      where id = ${item.cart_id} and status = 'open' and coalesce(currency, ${currency}) = ${currency}
      returning *
    ), added as (
      insert into cart_items (id, cart_id, sku, quantity) select ${item.id}, c.id, ${item.sku}, ${item.quantity} from c
      on conflict (cart_id, sku) do update set quantity = cart_items.quantity + excluded.quantity
      returning id, sku, quantity, created_at
    )
    select c.*, ${linesOf(`select i.id, i.sku, i.quantity, i.created_at from cart_items i, added
        where i.cart_id = c.id and i.sku <> added.sku
        union all select id, sku, quantity, created_at from added`)} as lines,
      ${availableBySkuSql(sql`array(select sku from cart_items where cart_id = ${item.cart_id} union select ${item.sku})`)} as stock
    from c join added on true
  `.execute(db);
  return rows[0];
}

export async function setCartItemQuantity(
  trx: Trx,
  cartId: string,
  itemId: string,
  quantity: number,
): Promise<boolean> {
  const r = await trx
    .updateTable('cart_items')
    .set({ quantity })
    .where('cart_id', '=', cartId)
    .where('id', '=', itemId)
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

export async function deleteCartItem(trx: Trx, cartId: string, itemId: string): Promise<boolean> {
  const r = await trx
    .deleteFrom('cart_items')
    .where('cart_id', '=', cartId)
    .where('id', '=', itemId)
    .executeTakeFirst();
  return r.numDeletedRows > 0n;
}

export async function touchCart(
  trx: Trx,
  id: string,
  changes: Partial<{ currency: string; status: 'checked_out'; order_id: string }> = {},
) {
  await trx
    .updateTable('carts')
    .set({ ...changes, updated_at: new Date() })
    .where('id', '=', id)
    .execute();
}

/** Carts created and carts checked out per UTC hour in [from, to), for analytics' funnel. */
export async function cartActivity(
  db: Conn,
  range: { from: Date; to: Date },
): Promise<{ hour: Date; kind: 'cart_created' | 'checkout_done'; events: number }[]> {
  const { rows } = await sql<{ hour: Date; kind: 'cart_created' | 'checkout_done'; events: string }>`
    select date_trunc('hour', created_at, 'UTC') as hour, 'cart_created' as kind, count(*) as events
    from carts where created_at >= ${range.from} and created_at < ${range.to} group by 1
    union all
    select date_trunc('hour', updated_at, 'UTC'), 'checkout_done', count(*)
    from carts where status = 'checked_out' and updated_at >= ${range.from} and updated_at < ${range.to}
    group by 1`.execute(db);
  return rows.map((r) => ({ hour: new Date(r.hour), kind: r.kind, events: Number(r.events) }));
}
