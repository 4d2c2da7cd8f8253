import type { Role } from '../../platform/auth/roles.js';
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
    })),
    addresses: Object.fromEntries(
      addresses.map((a) => [
        a.key,
        {
          name: a.name,
          phone: a.phone,
          country: a.country,
          province: a.province,
          city: a.city,
          district: a.district,
          line1: a.line1,
          line2: a.line2,
          postalCode: a.postal_code,
        },
      ]),
    ),
  };
}

/**
 * What a role sees of an order: a warehouse ships to the addresses and needs no customer contact;
 * finance settles money and needs no addresses. The others see it whole.
 */
export function orderViewFor<T extends OrderSummary & { addresses?: Order['addresses'] }>(
  role: Role | undefined,
  order: T,
): T {
  if (role === 'warehouse') return { ...order, customer: null };
  if (role === 'finance' && order.addresses) return { ...order, addresses: {} };
  return order;
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
