import type { Conn, Db } from '../../platform/db/database.js';
import { inTransaction, isRetryable } from '../../platform/db/transaction.js';
import { AppError, type FieldError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { ordersPlaced, stockConflicts } from '../../platform/metrics.js';
import { resolveSkus, type SkuLookup } from '../catalog/index.js';
import { type AllocatableStockRow, LockedStock, planReservations } from '../inventory/index.js';
import { keptPricing, type PricingRulesCache } from '../pricing/index.js';
import type { EventData } from '../sync/index.js';
import { newOrderAccessToken } from './order-access.js';
import { toAddressRows } from './order-addresses.js';
import { checkPlacement, type PlacementCheck } from './order-hooks.js';
import { placementOf } from './order-placement.js';
import { bothWrites, priceForPlacement, promotionRefusal } from './order-pricing.js';
import { recordRefusedPlacement } from './order-refusals.repository.js';
import { newOrderPlaced, toOrder } from './order-views.js';
import { insertPlacedOrder, type StatementWrites } from './orders.repository.js';
import type { Order, PlaceOrderInput } from './orders.schemas.js';
import type { OrderLinesTable } from './orders.tables.js';
import { normalizePhone } from './phone-number.js';

export interface PlaceOrderContext {
  actor: string;
  paymentTimeoutSeconds: number;
  /** The payment methods configured here (configuredPaymentMethods, computed at start). */
  paymentMethods: ReadonlySet<string>;
  /** Unit prices that replace the catalog's for this order (a flash-sale price), by SKU. */
  priceOverrides?: ReadonlyMap<string, number>;
  /** The standing pricing rules, cached (the app's); read every time if not given. */
  pricingRules?: PricingRulesCache;
  /** Where SKU prices and status come from (a cache of the catalog's); the catalog itself if not given. */
  skus?: SkuLookup;
  /**
   * More writes for the order's statement, from the module placing it (a flash sale's allotment and
   * per-customer count): CTEs that may refer to the new order as `o`, and a check that fails the
   * statement with a refusal (ordersync_refuse_unless), evaluated before the stock check.
   */
  alongside?: StatementWrites;
  /**
   * Writes that need the order as it is being placed, priced and numbered (a checkout's payment
   * intent for its grand total), called once the order is priced, before its statement.
   */
  withPlaced?: (order: OrderPlacedSnapshot) => Promise<StatementWrites | undefined>;
  /**
   * Read stock with its levels locked (inside a transaction), so the plan cannot be overtaken; or
   * plan from the LockedStock of a transaction placing several orders, and tell it what was taken.
   */
  lockStock?: boolean | LockedStock;
  /**
   * The lines' allocatable stock, read already with the caller's own read (a checkout's, with its
   * cart): the first try plans from it instead of reading. The order's statement checks every level
   * it takes, so a stale read costs a retry, never an oversell.
   */
  stockRead?: readonly AllocatableStockRow[];
  /**
   * The hash of an access token the buyer already holds (handed out before the order existed, with a
   * queued ticket); without it a new token is made and returned with the order.
   */
  accessTokenHash?: string;
  /** The placement checks of the modules built on orders (OrderHooks.onPlacing: market rules). */
  onPlacing: readonly PlacementCheck[];
  /**
   * How a refusal is recorded for analytics: a cart's checkout counts every refusal (stock, a coupon,
   * an address); a plain order only a stockout.
   */
  refusal?: { source: 'checkout'; cartId: string };
}

/** The order in the events of its placement (its number is set in by the statement). */
export type OrderPlacedSnapshot = EventData<'order.placed'>['order'];

/** A placed order with the buyer's access token, which this placement made (no accessTokenHash given). */
export type PlacedOrder = Order & { accessToken: string };
type TokenGiven = PlaceOrderContext & { accessTokenHash: string };

/**
 * POST /v1/orders and flash-sale orders: all lines reserved or none. Two reads and one statement, without a transaction:
 * the statement is atomic, and when stock moved between the read and the write it fails whole and
 * is tried again; the last try reads with the levels locked inside a transaction, so it cannot lose.
 */
export async function placeOrder(db: Db, input: PlaceOrderInput, ctx: TokenGiven): Promise<Order>;
export async function placeOrder(
  db: Db,
  input: PlaceOrderInput,
  ctx: PlaceOrderContext,
): Promise<PlacedOrder>;
export async function placeOrder(db: Db, input: PlaceOrderInput, ctx: PlaceOrderContext): Promise<Order> {
  // a try after the first reads the stock again: what the caller read with its own (stockRead) moved
  const again = { ...ctx, stockRead: undefined };
  try {
    for (let attempt = 1; attempt < 3; attempt++) {
      try {
        return await placeOrderInTransaction(db, input, attempt === 1 ? ctx : again);
      } catch (error) {
        if (!isRetryable(error)) throw error;
      }
    }
    return await inTransaction(db, (trx) =>
      placeOrderInTransaction(trx, input, { ...again, lockStock: true }),
    );
  } catch (error) {
    // counted once its transaction is gone (order-refusals.repository.ts)
    if (error instanceof AppError && (ctx.refusal || error.code === 'insufficient_stock'))
      await recordRefusedPlacement(db, {
        ...(ctx.refusal ?? { source: 'order' }),
        channel: input.channel ?? 'web',
        error,
      });
    throw error;
  }
}

/** Each line's address key: its own `shipTo`, or the only address there is. */
function assignAddresses(input: PlaceOrderInput): string[] {
  const keys = Object.keys(input.addresses);
  const errors: FieldError[] = [];
  const assigned = input.lines.map((line, i) => {
    const key = line.shipTo ?? (keys.length === 1 ? keys[0]! : undefined);
    if (key === undefined)
      errors.push({
        field: `body.lines[${i}].shipTo`,
        message: 'is required when the order has several addresses',
      });
    // own keys only: `constructor` or `toString` name no address
    else if (!Object.hasOwn(input.addresses, key))
      errors.push({
        field: `body.lines[${i}].shipTo`,
        message: `names no address (have ${keys.join(', ')})`,
      });
    return key ?? '';
  });
  if (errors.length) throw new AppError('unprocessable', 'Some lines have no shipping address', { errors });
  return assigned;
}

/**
 * Places an order inside the caller's transaction (cart checkout, flash sales), or, given the
 * database itself, as reads and one atomic statement (see placeOrder).
 */
export async function placeOrderInTransaction(
  trx: Conn,
  input: PlaceOrderInput,
  ctx: TokenGiven,
): Promise<Order>;
export async function placeOrderInTransaction(
  trx: Conn,
  input: PlaceOrderInput,
  ctx: PlaceOrderContext,
): Promise<PlacedOrder>;
export async function placeOrderInTransaction(
  trx: Conn,
  input: PlaceOrderInput,
  ctx: PlaceOrderContext,
): Promise<Order | PlacedOrder> {
  // An order nobody can pay would hold its stock until the timeout.
  if (!ctx.paymentMethods.has(input.paymentMethod)) {
    const configured = [...ctx.paymentMethods].sort().join(', ');
    throw new AppError(
      'unprocessable',
      `The payment method ${input.paymentMethod} is not configured here; configured: ${configured}`,
      {
        errors: [{ field: 'body.paymentMethod', message: `must be one of ${configured}` }],
        configuredPaymentMethods: [...ctx.paymentMethods].sort(),
      },
    );
  }
  const shipTo = assignAddresses(input);
  // Prices and titles come from the catalog, never from the client.
  const catalog = await (ctx.skus ?? resolveSkus)(trx, [...new Set(input.lines.map((l) => l.sku))]);
  const errors: FieldError[] = [];
  input.lines.forEach((line, i) => {
    const item = catalog.get(line.sku);
    if (!item) errors.push({ field: `body.lines[${i}].sku`, message: `unknown SKU ${line.sku}` });
    else if (!item.sellable)
      errors.push({ field: `body.lines[${i}].sku`, message: `SKU ${line.sku} is not for sale` });
  });
  if (errors.length) throw new AppError('unprocessable', 'Some lines cannot be ordered', { errors });
  const currencies = new Set(input.lines.map((l) => catalog.get(l.sku)!.currency));
  if (currencies.size > 1) {
    throw new AppError(
      'unprocessable',
      `Lines are priced in several currencies (${[...currencies].join(', ')})`,
    );
  }

  const currency = [...currencies][0]!;
  const { priced, writes } = await priceForPlacement(
    trx,
    input,
    catalog,
    input.lines.map((l) => ctx.priceOverrides?.get(l.sku) ?? catalog.get(l.sku)!.price),
    shipTo,
    currency,
    ctx.pricingRules,
    ctx.priceOverrides !== undefined,
  );
  const checked = await checkPlacement(
    trx,
    ctx.onPlacing,
    placementOf(input, catalog, priced, shipTo, currency),
  );

  const orderId = newId();
  const lines = input.lines.map((line, i) => {
    const item = catalog.get(line.sku)!;
    const unitPrice = priced.lines[i]!.unitPrice;
    return {
      id: newId(),
      order_id: orderId,
      line_no: i + 1,
      sku: line.sku,
      product_id: item.productId,
      variant_id: item.variantId,
      title: item.title,
      unit_price: unitPrice,
      quantity: line.quantity,
      line_total: unitPrice * line.quantity,
      ship_to: shipTo[i]!,
      discount: priced.lines[i]!.discount,
      tax: priced.lines[i]!.tax,
      tax_inclusive: priced.lines[i]!.taxInclusive,
    } satisfies OrderLinesTable;
  });

  // Stock first: a buyer who cannot be served is turned away before anything is written.
  const reserved = await planReservations(
    trx,
    orderId,
    lines.map((l) => {
      const address = input.addresses[l.ship_to]!;
      return {
        lineId: l.id,
        sku: l.sku,
        quantity: l.quantity,
        destination: { country: address.country, province: address.province ?? null },
      };
    }),
    { lock: ctx.lockStock, stock: ctx.stockRead },
  );
  if (!reserved.ok) {
    stockConflicts.inc();
    const skus = reserved.shortages.map((s) => s.sku).join(', ');
    throw new AppError('insufficient_stock', `Not enough stock for ${skus}`, {
      shortages: reserved.shortages,
    });
  }

  const now = new Date();
  const access = ctx.accessTokenHash
    ? { hash: ctx.accessTokenHash, token: undefined }
    : newOrderAccessToken();
  const totals = {
    subtotal: priced.subtotal,
    shipping: priced.shipping,
    discount: priced.discount,
    tax: priced.tax,
    grandTotal: priced.grandTotal,
  };
  const cod = input.paymentMethod === 'cod';
  const channel = input.channel ?? 'web';
  const addresses = toAddressRows(orderId, input.addresses);
  const reservations = reserved.reservations.map((r) => ({
    sku: r.sku,
    warehouse: r.warehouseCode,
    quantity: r.quantity,
  }));
  const status = cod ? 'placed' : 'pending_payment';
  const placedEvent = newOrderPlaced(
    { id: orderId, status, channel, currency, grandTotal: totals.grandTotal, email: input.customer.email },
    lines,
    reservations,
  );
  const own = bothWrites(bothWrites(ctx.alongside, writes), checked);
  const order = await insertPlacedOrder(
    trx,
    {
      id: orderId,
      channel,
      status,
      payment_status: 'unpaid',
      fulfillment_status: 'unfulfilled',
      payment_method: input.paymentMethod,
      customer_email: input.customer.email,
      // read in the country of the first address when written without a country code
      customer_phone: input.customer.phone
        ? normalizePhone(input.customer.phone, Object.values(input.addresses)[0]?.country)
        : null,
      customer_name: input.customer.name ?? null,
      currency,
      subtotal: totals.subtotal,
      shipping_total: totals.shipping,
      discount_total: totals.discount,
      tax_total: totals.tax,
      grand_total: totals.grandTotal,
      note: input.note ?? null,
      placed_at: now,
      payment_due_at: cod ? null : new Date(now.getTime() + ctx.paymentTimeoutSeconds * 1000),
      access_token_hash: access.hash,
      cod_fee: priced.codFee,
      pricing: JSON.stringify(keptPricing(priced)),
    },
    addresses,
    lines,
    {
      actor: ctx.actor,
      message: ` placed via ${channel}${cod ? ', cash on delivery' : ''}`,
      data: { reservations },
    },
    {
      reservations: reserved.writes,
      alongside: bothWrites(own, await ctx.withPlaced?.(placedEvent.order)),
      placed: placedEvent,
    },
  ).catch((error: unknown) => {
    throw promotionRefusal(error, priced) ?? checked?.refusal(error) ?? error;
  });
  if (ctx.lockStock instanceof LockedStock) ctx.lockStock.took(reserved.reservations);
  // Counted before commit: a commit failure after this point is rare enough not to matter for a rate.
  ordersPlaced.inc({ channel });
  const placed = toOrder(order, lines, addresses);
  return access.token ? { ...placed, accessToken: access.token } : placed;
}
