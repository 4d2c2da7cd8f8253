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
 * Adds to a line, or creates it; the sum is capped by the table's check (1..999), which the service
 * turns into a clear error first.
 *   insert … on conflict (cart_id, sku) do update set quantity = cart_items.quantity + excluded.quantity
 */
export async function upsertCartItem(
  trx: Trx,
  item: { id: string; cart_id: string; sku: string; quantity: number },
) {
  return trx
    .insertInto('cart_items')
    .values(item)
    .onConflict((oc) =>
      oc.columns(['cart_id', 'sku']).doUpdateSet({ quantity: sql`cart_items.quantity + excluded.quantity` }),
    )
    .returningAll()
    .executeTakeFirstOrThrow();
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
