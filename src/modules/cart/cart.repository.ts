import { type Selectable, sql } from 'kysely';
import type { Conn, Trx } from '../../platform/db/database.js';
import type { CartItemsTable, CartsTable } from './cart.tables.js';

export type CartRow = Selectable<CartsTable>;
export type CartItemRow = Selectable<CartItemsTable>;

export async function insertCart(db: Conn, cart: { id: string; currency: string | null }): Promise<CartRow> {
  return db.insertInto('carts').values(cart).returningAll().executeTakeFirstOrThrow();
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
 * check (1..999), which the service turns into a clear error. Returns the cart as it is now, or
 * undefined when the cart did not qualify.
 */
export async function addToOpenCart(
  db: Conn,
  item: { id: string; cart_id: string; sku: string; quantity: number },
  currency: string,
): Promise<CartRow | undefined> {
  const { rows } = await sql<CartRow>`
    with c as (
      update carts set updated_at = now(), currency = coalesce(currency, ${currency})
      where id = ${item.cart_id} and status = 'open' and coalesce(currency, ${currency}) = ${currency}
      returning *
    ), added as (
      insert into cart_items (id, cart_id, sku, quantity) select ${item.id}, c.id, ${item.sku}, ${item.quantity} from c
      on conflict (cart_id, sku) do update set quantity = cart_items.quantity + excluded.quantity
      returning id
    )
    select c.* from c join added on true
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
