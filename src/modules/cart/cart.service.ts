import type { Db, Trx } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { ownValue } from '../../platform/own-value.js';
import type { SkuLookup } from '../catalog/index.js';
import { availableBySku } from '../inventory/index.js';
import {
  type PlacedOrderResult,
  type PlacementCheck,
  type PlaceOrderContext,
  placeOrder,
} from '../orders/index.js';
import type { PricingRulesCache } from '../pricing/index.js';
import {
  addToOpenCart,
  CART_CHANGED,
  type CartLine,
  type CartRow,
  type CartStock,
  checkoutWrites,
  deleteCartItem,
  findCart,
  findCartItems,
  findCartWithLines,
  insertCart,
  lockCart,
  setCartItemQuantity,
  touchCart,
} from './cart.repository.js';
import type { Cart, CheckoutInput, CreateCartInput } from './cart.schemas.js';

const MAX_QUANTITY = 999;

/** What the cart service works with: the database, and where SKU prices come from (the catalog's cache). */
export interface CartDeps {
  db: Db;
  skus: SkuLookup;
}

const lineError = (field: string, message: string) =>
  new AppError('unprocessable', message, { errors: [{ field, message }] });

/**
 * POST /v1/carts: a cart, empty or with its first lines (the same SKU twice is one line), all in one
 * currency (the one given, if any) and for sale, or none of it.
 */
export async function createCart({ db, skus }: CartDeps, input: CreateCartInput): Promise<Cart> {
  const wanted = new Map<string, number>();
  for (const item of input.items ?? []) wanted.set(item.sku, (wanted.get(item.sku) ?? 0) + item.quantity);
  const catalog = wanted.size ? await skus(db, [...wanted.keys()]) : new Map();
  let currency = input.currency ?? null;
  for (const [sku, quantity] of wanted) {
    const info = catalog.get(sku);
    const field = `body.items[${input.items!.findIndex((item) => item.sku === sku)}]`;
    if (!info?.sellable)
      throw lineError(`${field}.sku`, info ? `SKU ${sku} is not for sale` : `unknown SKU ${sku}`);
    if (quantity > MAX_QUANTITY)
      throw lineError(`${field}.quantity`, `A line holds at most ${MAX_QUANTITY} (${sku}: ${quantity})`);
    currency ??= info.currency;
    if (info.currency !== currency)
      throw lineError(`${field}.sku`, `SKU ${sku} is priced in ${info.currency}, the cart in ${currency}`);
  }
  const created = await insertCart(
    db,
    { id: newId(), currency },
    [...wanted].map(([sku, quantity]) => ({ id: newId(), sku, quantity })),
  );
  return toCart(db, skus, created.cart, created);
}

export async function getCart({ db, skus }: CartDeps, id: string): Promise<Cart> {
  const cart = await findCart(db, id);
  if (!cart) throw notFound('Cart', id);
  return toCart(db, skus, cart);
}

/**
 * The cart with today's prices and stock: nothing about a line is frozen until checkout. `known`: the
 * lines and their stock as the cart's write read them (no read of its own).
 */
async function toCart(
  db: Db,
  lookup: SkuLookup,
  cart: CartRow,
  known?: { lines: readonly CartLine[]; stock: CartStock },
): Promise<Cart> {
  const items = known?.lines ?? (await findCartItems(db, cart.id));
  const skus = items.map((i) => i.sku);
  const [catalog, stock] = await Promise.all([
    lookup(db, skus),
    known
      ? new Map(Object.entries(known.stock))
      : skus.length
        ? availableBySku(db, skus)
        : new Map<string, number>(),
  ]);
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
  const { lines, stock, ...cart } = added;
  return toCart(deps.db, deps.skus, cart, { lines, stock });
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

/**
 * Turns the cart into an order through the same path as POST /v1/orders: one read of the cart and
 * its lines, then placeOrder's stock read and one statement, which also checks the cart out — only if
 * it is still open and unchanged since the read (checkoutWrites), so a line added meanwhile is never
 * left out of the order unseen: the checkout reads again and places what the cart holds then. A
 * refused placement is recorded after the rollback, for analytics' checkouts and stockouts.
 */
export async function checkoutCart(
  { db, skus }: CartDeps,
  cartId: string,
  input: Omit<CheckoutInput, 'payment'>,
  ctx: {
    actor: string;
    paymentTimeoutSeconds: number;
    paymentMethods: ReadonlySet<string>;
    pricingRules: PricingRulesCache;
    onPlacing: readonly PlacementCheck[];
    withPlaced?: PlaceOrderContext['withPlaced'];
  },
): Promise<PlacedOrderResult> {
  for (let attempt = 1; ; attempt++) {
    const cart = await findCartWithLines(db, cartId);
    if (!cart) throw notFound('Cart', cartId);
    if (cart.status !== 'open')
      throw new AppError('conflict', `The cart is ${cart.status}`, { currentStatus: cart.status });
    if (cart.lines.length === 0) throw new AppError('unprocessable', 'The cart is empty');
    try {
      return await placeOrder(
        db,
        {
          customer: input.customer,
          addresses: input.addresses,
          paymentMethod: input.paymentMethod,
          channel: input.channel,
          note: input.note,
          ...(input.couponCodes ? { couponCodes: input.couponCodes } : {}),
          ...(input.shipping ? { shipping: input.shipping } : {}),
          ...(input.buyerIdentity ? { buyerIdentity: input.buyerIdentity } : {}),
          lines: cart.lines.map((i) => {
            const shipTo = input.shipTo && ownValue(input.shipTo, i.sku);
            return shipTo
              ? { sku: i.sku, quantity: i.quantity, shipTo }
              : { sku: i.sku, quantity: i.quantity };
          }),
        },
        {
          ...ctx,
          skus,
          alongside: checkoutWrites(cartId, cart.stamp),
          stockRead: cart.stock,
          refusal: { source: 'checkout', cartId },
        },
      );
    } catch (error) {
      const e = error as { code?: string; message?: string };
      if (e.code !== 'P0001' || !e.message?.startsWith(CART_CHANGED)) throw error;
      if (attempt === 3) throw new AppError('conflict', 'The cart kept changing during checkout; try again');
    }
  }
}
