import type { Db, Trx } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { ownValue } from '../../platform/own-value.js';
import type { SkuLookup } from '../catalog/index.js';
import { availableBySku } from '../inventory/index.js';
import { type PlacedOrderResult, placeOrderInTransaction } from '../orders/index.js';
import {
  addToOpenCart,
  type CartItemRow,
  type CartRow,
  deleteCartItem,
  findCart,
  findCartItems,
  insertCart,
  lockCart,
  setCartItemQuantity,
  touchCart,
} from './cart.repository.js';
import type { Cart, CheckoutInput } from './cart.schemas.js';

const MAX_QUANTITY = 999;

/** What the cart service works with: the database, and where SKU prices come from (the catalog's cache). */
export interface CartDeps {
  db: Db;
  skus: SkuLookup;
}

export async function createCart({ db, skus }: CartDeps, input: { currency?: string }): Promise<Cart> {
  const cart = await insertCart(db, { id: newId(), currency: input.currency ?? null });
  return toCart(db, skus, cart, []);
}

export async function getCart({ db, skus }: CartDeps, id: string): Promise<Cart> {
  const cart = await findCart(db, id);
  if (!cart) throw notFound('Cart', id);
  return toCart(db, skus, cart);
}

/** The cart with today's prices and stock: nothing about a line is frozen until checkout. */
async function toCart(db: Db, lookup: SkuLookup, cart: CartRow, known?: CartItemRow[]): Promise<Cart> {
  const items = known ?? (await findCartItems(db, cart.id));
  const skus = items.map((i) => i.sku);
  const [catalog, stock] = await Promise.all([lookup(db, skus), availableBySku(db, skus)]);
  let subtotal = 0;
  return {
    id: cart.id,
    status: cart.status,
    currency: cart.currency,
    orderId: cart.order_id,
    createdAt: cart.created_at.toISOString(),
    updatedAt: cart.updated_at.toISOString(),
    items: items.map((item) => {
      const info = catalog.get(item.sku);
      const available = stock.get(item.sku) ?? 0;
      const lineTotal = info ? info.price * item.quantity : null;
      subtotal += lineTotal ?? 0;
      const problem = !info
        ? 'no longer in the catalog'
        : !info.sellable
          ? 'no longer for sale'
          : available < item.quantity
            ? `only ${available} available`
            : null;
      return {
        id: item.id,
        sku: item.sku,
        title: info?.title ?? null,
        quantity: item.quantity,
        unitPrice: info?.price ?? null,
        lineTotal,
        available,
        problem,
      };
    }),
    subtotal,
  };
}

async function lockOpenCart(trx: Trx, id: string): Promise<CartRow> {
  const cart = await lockCart(trx, id);
  if (!cart) throw notFound('Cart', id);
  if (cart.status !== 'open')
    throw new AppError('conflict', `The cart is ${cart.status}`, { currentStatus: cart.status });
  return cart;
}

export async function addCartItem(
  deps: CartDeps,
  cartId: string,
  input: { sku: string; quantity: number },
): Promise<Cart> {
  const field = (message: string) =>
    new AppError('unprocessable', message, { errors: [{ field: 'body.sku', message }] });
  const info = (await deps.skus(deps.db, [input.sku])).get(input.sku);
  if (!info?.sellable) {
    if (!(await findCart(deps.db, cartId))) throw notFound('Cart', cartId);
    throw field(info ? `SKU ${input.sku} is not for sale` : `unknown SKU ${input.sku}`);
  }
  const added = await addToOpenCart(
    deps.db,
    { id: newId(), cart_id: cartId, sku: input.sku, quantity: input.quantity },
    info.currency,
  ).catch((error: { code?: string }) => {
    // 23514: the check (quantity between 1 and 999) refused the sum.
    if (error.code === '23514') {
      throw new AppError('unprocessable', `A line holds at most ${MAX_QUANTITY}`, {
        errors: [{ field: 'body.quantity', message: `would take the line past ${MAX_QUANTITY}` }],
      });
    }
    throw error;
  });
  if (!added) {
    // Say why the cart did not take it (only on this path: the add itself is one statement).
    const cart = await findCart(deps.db, cartId);
    if (!cart) throw notFound('Cart', cartId);
    if (cart.status !== 'open')
      throw new AppError('conflict', `The cart is ${cart.status}`, { currentStatus: cart.status });
    throw field(`SKU ${input.sku} is priced in ${info.currency}, the cart in ${cart.currency}`);
  }
  return toCart(deps.db, deps.skus, added);
}

export async function changeCartItem(
  deps: CartDeps,
  cartId: string,
  itemId: string,
  quantity: number,
): Promise<Cart> {
  await inTransaction(deps.db, async (trx) => {
    await lockOpenCart(trx, cartId);
    if (!(await setCartItemQuantity(trx, cartId, itemId, quantity))) throw notFound('Cart item', itemId);
    await touchCart(trx, cartId);
  });
  return getCart(deps, cartId);
}

export async function removeCartItem(deps: CartDeps, cartId: string, itemId: string): Promise<Cart> {
  await inTransaction(deps.db, async (trx) => {
    await lockOpenCart(trx, cartId);
    if (!(await deleteCartItem(trx, cartId, itemId))) throw notFound('Cart item', itemId);
    await touchCart(trx, cartId);
  });
  return getCart(deps, cartId);
}

/** Turns the cart into an order through the same path as POST /v1/orders, in one transaction. */
export function checkoutCart(
  { db, skus }: CartDeps,
  cartId: string,
  input: CheckoutInput,
  ctx: { actor: string; paymentTimeoutSeconds: number; paymentMethods: ReadonlySet<string> },
): Promise<PlacedOrderResult> {
  return inTransaction(db, async (trx) => {
    await lockOpenCart(trx, cartId);
    const items = await findCartItems(trx, cartId);
    if (items.length === 0) throw new AppError('unprocessable', 'The cart is empty');
    const order = await placeOrderInTransaction(
      trx,
      {
        customer: input.customer,
        addresses: input.addresses,
        paymentMethod: input.paymentMethod,
        channel: input.channel,
        note: input.note,
        lines: items.map((i) => {
          const shipTo = input.shipTo && ownValue(input.shipTo, i.sku);
          return shipTo ? { sku: i.sku, quantity: i.quantity, shipTo } : { sku: i.sku, quantity: i.quantity };
        }),
      },
      { ...ctx, skus },
    );
    await touchCart(trx, cartId, { status: 'checked_out', order_id: order.id });
    return order;
  });
}
