import { sql } from 'kysely';
import type { Trx } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { planReservations, type Shortage } from '../inventory/index.js';
import { cancelLockedOrder, lockOrder, recordOrderPayment } from './order-commands.js';
import { checkPlacement, type OrderHooks, type PlacementCheck } from './order-hooks.js';
import { flagOrderForReview } from './order-settlement.js';
import { checkOrderTransition } from './order-state.js';
import { newOrderPlaced } from './order-views.js';
import { insertPlacedOrder, type OrderRow } from './orders.repository.js';
import type { OrderLinesTable } from './orders.tables.js';

/**
 * An order a sales channel already sold, as the channels module hands it over: its lines mapped to
 * our SKUs, but priced, discounted, taxed and (maybe) paid as the channel says. It is never re-priced
 * from the catalog: the buyer paid the channel's price.
 */
export interface ChannelOrderPlacement {
  /** The channel's code (orders.channel). */
  channel: string;
  currency: string;
  placedAt: Date;
  customer: { email: string; name: string | null; phone: string | null };
  address: {
    name: string;
    phone: string;
    country: string;
    province: string | null;
    city: string;
    line1: string;
    line2: string | null;
    postalCode: string | null;
  };
  lines: {
    sku: string;
    productId: string;
    variantId: string;
    title: string;
    unitPrice: number;
    quantity: number;
    /** For market rules that restrict categories. */
    categoryId?: string;
  }[];
  shippingTotal: number;
  discountTotal: number;
  taxTotal: number;
  grandTotal: number;
  /** Paid on the channel: the order is recorded as paid in full, with no payment of ours. */
  paid: boolean;
  /** Take stock for it (an open order); a channel order seen first as cancelled or done takes none. */
  reserveStock: boolean;
  /** The timeline's words for where it came from, e.g. ` from shopify order #1001`. */
  source: string;
  actor: string;
  /** The placement checks (OrderHooks.onPlacing): a refused channel order is held with the reason. */
  onPlacing: readonly PlacementCheck[];
}

export type ChannelOrderPlaced =
  | { ok: true; order: OrderRow }
  | { ok: false; shortages: Shortage[] }
  | { ok: false; refused: string };

/**
 * Records a channel's order inside the caller's transaction (which also records the channel's side):
 * stock reserved from the warehouses, the order with its order.placed event, and order.paid at once
 * when the channel took the money. Short of stock, nothing is written and the shortages come back.
 * It never waits for our payment: a channel order has no payment deadline.
 */
export async function placeChannelOrder(trx: Trx, p: ChannelOrderPlacement): Promise<ChannelOrderPlaced> {
  const orderId = newId();
  const lines = p.lines.map(
    (l, i) =>
      ({
        id: newId(),
        order_id: orderId,
        line_no: i + 1,
        sku: l.sku,
        product_id: l.productId,
        variant_id: l.variantId,
        title: l.title,
        unit_price: l.unitPrice,
        quantity: l.quantity,
        line_total: l.unitPrice * l.quantity,
        ship_to: 'shipping',
        // the channel priced it; its discounts and taxes are in the channel's totals, not per line
        discount: 0,
        tax: 0,
        tax_inclusive: true,
      }) satisfies OrderLinesTable,
  );
  const destination = { country: p.address.country, province: p.address.province };
  let checked: Awaited<ReturnType<typeof checkPlacement>>;
  try {
    checked = await checkPlacement(trx, p.onPlacing, {
      channel: p.channel,
      currency: p.currency,
      paymentMethod: 'channel',
      at: p.placedAt,
      customer: p.customer,
      buyerIdentity: undefined,
      lines: lines.map((l, i) => ({
        sku: l.sku,
        categoryId: p.lines[i]!.categoryId ?? null,
        value: l.line_total,
        destination: { ...destination, district: null, postalCode: p.address.postalCode },
      })),
      grandTotal: p.grandTotal,
    });
  } catch (error) {
    if (error instanceof AppError) return { ok: false, refused: error.message };
    throw error;
  }
  const reserved = await planReservations(
    trx,
    orderId,
    p.reserveStock ? lines.map((l) => ({ lineId: l.id, sku: l.sku, quantity: l.quantity, destination })) : [],
    { lock: true },
  );
  if (!reserved.ok) return { ok: false, shortages: reserved.shortages };
  const reservations = reserved.reservations.map((r) => ({
    sku: r.sku,
    warehouse: r.warehouseCode,
    quantity: r.quantity,
  }));
  const subtotal = lines.reduce((sum, l) => sum + l.line_total, 0);
  // The caller's transaction goes on to hold the order when a check's write refuses it in the statement.
  if (checked) await sql`savepoint placement_checks`.execute(trx);
  const placed = await insertPlacedOrder(
    trx,
    {
      id: orderId,
      channel: p.channel,
      status: 'pending_payment',
      payment_status: 'unpaid',
      fulfillment_status: 'unfulfilled',
      payment_method: 'channel',
      customer_email: p.customer.email,
      customer_phone: p.customer.phone,
      customer_name: p.customer.name,
      currency: p.currency,
      subtotal,
      shipping_total: p.shippingTotal,
      discount_total: p.discountTotal,
      tax_total: p.taxTotal,
      grand_total: p.grandTotal,
      note: null,
      placed_at: p.placedAt,
      payment_due_at: null,
    },
    [
      {
        order_id: orderId,
        key: 'shipping',
        name: p.address.name,
        phone: p.address.phone,
        country: p.address.country,
        province: p.address.province,
        city: p.address.city,
        district: null,
        line1: p.address.line1,
        line2: p.address.line2,
        postal_code: p.address.postalCode,
      },
    ],
    lines,
    { actor: p.actor, message: p.source, data: { reservations } },
    {
      reservations: reserved.writes,
      alongside: checked,
      placed: newOrderPlaced(
        {
          id: orderId,
          status: 'pending_payment',
          channel: p.channel,
          currency: p.currency,
          grandTotal: p.grandTotal,
          email: p.customer.email,
        },
        lines,
        reservations,
      ),
    },
  ).catch(async (error: unknown) => {
    const refusal = checked?.refusal(error);
    if (!refusal) throw error;
    await sql`rollback to savepoint placement_checks`.execute(trx);
    return refusal;
  });
  if (placed instanceof AppError) return { ok: false, refused: placed.message };
  const order = p.paid ? await recordOrderPayment(trx, placed, p.grandTotal, p.actor) : placed;
  return { ok: true, order };
}

/** The channel says the order is paid: paid in full here too, once (a paid order is left alone). */
export async function markChannelOrderPaid(trx: Trx, orderId: string, actor: string): Promise<OrderRow> {
  const order = await lockOrder(trx, orderId);
  if (order.status !== 'pending_payment') return order;
  return recordOrderPayment(trx, order, order.grand_total - order.paid_total, actor);
}

/**
 * The channel cancelled the order: cancelled here (stock released, hooks run) while nothing has left
 * a warehouse; past that a person must stop the parcel, so the order is flagged instead.
 */
export async function cancelChannelOrder(
  trx: Trx,
  orderId: string,
  reason: string,
  actor: string,
  hooks: OrderHooks,
): Promise<OrderRow> {
  const order = await lockOrder(trx, orderId);
  if (order.status === 'cancelled') return order;
  if (!checkOrderTransition(order, 'cancel').ok) {
    return flagOrderForReview(
      trx,
      orderId,
      `cancelled on the channel while ${order.status}: ${reason}`,
      actor,
    );
  }
  return cancelLockedOrder(trx, order, reason, actor, hooks);
}
