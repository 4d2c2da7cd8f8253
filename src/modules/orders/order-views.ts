import type { Role } from '../../platform/auth/roles.js';
import { maskAddress, maskEmail, maskName, maskPhone } from '../../platform/privacy/masking.js';
import type { OrderPricing } from '../pricing/index.js';
import type { EventData } from '../sync/index.js';
import type { OrderAddressRow, OrderLineRow, OrderRow } from './orders.repository.js';
import type { Order, OrderSummary } from './orders.schemas.js';

export function toOrderSummary(o: OrderRow): OrderSummary {
  return {
    id: o.id,
    number: o.number,
    status: o.status,
    paymentStatus: o.payment_status,
    fulfillmentStatus: o.fulfillment_status,
    channel: o.channel,
    paymentMethod: o.payment_method,
    currency: o.currency,
    customer: { email: o.customer_email, phone: o.customer_phone, name: o.customer_name },
    totals: {
      subtotal: o.subtotal,
      shipping: o.shipping_total,
      discount: o.discount_total,
      tax: o.tax_total,
      grandTotal: o.grand_total,
    },
    paidTotal: o.paid_total,
    version: o.version,
    placedAt: o.placed_at.toISOString(),
    paymentDueAt: o.payment_due_at?.toISOString() ?? null,
    cancelledAt: o.cancelled_at?.toISOString() ?? null,
    cancelReason: o.cancel_reason,
    note: o.note,
    refundedTotal: o.refunded_total,
    deliveredAt: o.delivered_at?.toISOString() ?? null,
    completedAt: o.completed_at?.toISOString() ?? null,
    reviewReason: o.review_reason,
  };
}

/** An address as the API shows it (an order's, and a customer's that came from orders). */
export function toAddressView(a: Omit<OrderAddressRow, 'order_id' | 'key'>) {
  return {
    name: a.name,
    phone: a.phone,
    country: a.country,
    province: a.province,
    city: a.city,
    district: a.district,
    line1: a.line1,
    line2: a.line2,
    postalCode: a.postal_code,
  };
}

export function toOrder(o: OrderRow, lines: OrderLineRow[], addresses: OrderAddressRow[]): Order {
  return {
    ...toOrderSummary(o),
    lines: lines.map((l) => ({
      id: l.id,
      lineNo: l.line_no,
      sku: l.sku,
      title: l.title,
      unitPrice: l.unit_price,
      quantity: l.quantity,
      lineTotal: l.line_total,
      shipTo: l.ship_to,
      discount: l.discount,
      tax: l.tax,
      taxInclusive: l.tax_inclusive,
    })),
    pricing: 'taxLines' in o.pricing ? (o.pricing as unknown as OrderPricing) : null,
    addresses: Object.fromEntries(addresses.map((a) => [a.key, toAddressView(a)])),
  };
}

/**
 * What a role sees of an order: a warehouse ships to the addresses and needs no customer contact;
 * finance settles money and needs no addresses; support sees contact and addresses masked
 * (`138****0000`) unless it opens them with a reason (POST /v1/orders/{id}/pii-views, audited). The
 * others (admin, the buyer's storefront or channel) see it whole.
 */
export function orderViewFor<T extends OrderSummary & { addresses?: Order['addresses'] }>(
  role: Role | undefined,
  order: T,
): T {
  if (role === 'warehouse') return { ...order, customer: null };
  if (role === 'finance' && order.addresses) return { ...order, addresses: {} };
  if (role === 'support') return maskedOrder(order);
  return order;
}

/**
 * Whether `viewer` sees timeline entries written for staff (support notes): admin and support do,
 * OrderSync itself does (no viewer); buyers, channels, warehouse and finance do not.
 */
export const seesStaffEntries = (viewer: Role | undefined) =>
  viewer === undefined || viewer === 'admin' || viewer === 'support';

function maskedOrder<T extends OrderSummary & { addresses?: Order['addresses'] }>(order: T): T {
  const c = order.customer;
  return {
    ...order,
    customer: c && { email: maskEmail(c.email) ?? '', phone: maskPhone(c.phone), name: maskName(c.name) },
    ...(order.addresses && {
      addresses: Object.fromEntries(
        Object.entries(order.addresses).map(([k, a]) => [
          k,
          maskAddress(a as Parameters<typeof maskAddress>[0]),
        ]),
      ),
    }),
  };
}

type Placed = EventData<'order.placed'>;

/**
 * order.placed for an order being placed (any path: API, channel): the new order as toOrderSnapshot
 * shows it, whose number the statement that inserts it fills in.
 */
export function newOrderPlaced(
  o: Pick<Placed['order'], 'id' | 'status' | 'channel' | 'currency' | 'grandTotal'> & { email: string },
  lines: readonly { sku: string; quantity: number; unit_price: number }[],
  reservations: Placed['reservations'],
): Placed {
  return {
    order: {
      id: o.id,
      number: '',
      status: o.status,
      paymentStatus: 'unpaid',
      fulfillmentStatus: 'unfulfilled',
      channel: o.channel,
      currency: o.currency,
      grandTotal: o.grandTotal,
      paidTotal: 0,
      version: 1,
    },
    customer: { email: o.email },
    lines: lines.map((l) => ({ sku: l.sku, quantity: l.quantity, unitPrice: l.unit_price })),
    reservations,
  };
}

/** The order as carried in every order event. */
export function toOrderSnapshot(o: OrderRow): EventData<'order.paid'>['order'] {
  return {
    id: o.id,
    number: o.number,
    status: o.status,
    paymentStatus: o.payment_status,
    fulfillmentStatus: o.fulfillment_status,
    channel: o.channel,
    currency: o.currency,
    grandTotal: o.grand_total,
    paidTotal: o.paid_total,
    version: o.version,
  };
}
