import { type Static, Type } from 'typebox';
import type { ChannelAddress, ChannelOrder } from '../channel-order.js';
import { canonical } from '../channel-payload.js';
import { toMinorUnits } from '../minor-units.js';

const Id = Type.Union([Type.Integer(), Type.String({ minLength: 1, maxLength: 64 })]);
const Amount = Type.Union([Type.String({ maxLength: 32 }), Type.Number(), Type.Null()]);
const Nullable = <T extends Parameters<typeof Type.Optional>[0]>(t: T) =>
  Type.Optional(Type.Union([t, Type.Null()]));

const ShopifyAddress = Type.Object({
  name: Nullable(Type.String()),
  first_name: Nullable(Type.String()),
  last_name: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  address1: Nullable(Type.String()),
  address2: Nullable(Type.String()),
  city: Nullable(Type.String()),
  province: Nullable(Type.String()),
  zip: Nullable(Type.String()),
  country_code: Nullable(Type.String()),
});

/** The fields of a Shopify REST Admin order (the body of `orders/*` webhooks) the adapter reads. */
export const ShopifyOrder = Type.Object({
  id: Id,
  name: Nullable(Type.String()),
  updated_at: Type.String({ format: 'date-time' }),
  created_at: Nullable(Type.String({ format: 'date-time' })),
  cancelled_at: Nullable(Type.String()),
  cancel_reason: Nullable(Type.String()),
  financial_status: Nullable(Type.String()),
  fulfillment_status: Nullable(Type.String()),
  currency: Type.String({ pattern: '^[A-Z]{3}$' }),
  total_price: Amount,
  total_tax: Type.Optional(Amount),
  total_discounts: Type.Optional(Amount),
  taxes_included: Nullable(Type.Boolean()),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
  note: Nullable(Type.String()),
  customer: Nullable(
    Type.Object({
      first_name: Nullable(Type.String()),
      last_name: Nullable(Type.String()),
      phone: Nullable(Type.String()),
    }),
  ),
  line_items: Type.Array(
    Type.Object({
      sku: Nullable(Type.String()),
      variant_id: Nullable(Id),
      title: Nullable(Type.String()),
      name: Nullable(Type.String()),
      quantity: Type.Integer({ minimum: 1 }),
      price: Amount,
      total_discount: Type.Optional(Amount),
      tax_lines: Type.Optional(Type.Array(Type.Object({ price: Amount }))),
    }),
    { minItems: 1, maxItems: 500 },
  ),
  shipping_lines: Type.Optional(Type.Array(Type.Object({ price: Amount }))),
  shipping_address: Nullable(ShopifyAddress),
  billing_address: Nullable(ShopifyAddress),
});
export type ShopifyOrder = Static<typeof ShopifyOrder>;

/** A `refunds/create` body: the money given back is its successful refund transactions. */
export const ShopifyRefund = Type.Object({
  id: Id,
  order_id: Id,
  transactions: Type.Array(
    Type.Object({
      kind: Nullable(Type.String()),
      status: Nullable(Type.String()),
      amount: Amount,
      currency: Nullable(Type.String()),
    }),
  ),
});
export type ShopifyRefund = Static<typeof ShopifyRefund>;

// `authorized` is not money taken: the shop captures it later, and orders/updated says so.
const PAID = new Set(['paid', 'partially_refunded', 'refunded']);
const iso = (text: string) => new Date(text).toISOString();
const blank = (s: string | null | undefined) => (s ? s : undefined);

function address(a: Static<typeof ShopifyAddress> | null | undefined): ChannelAddress | undefined {
  if (!a?.country_code) return undefined;
  const name = blank(a.name) ?? [a.first_name, a.last_name].filter(Boolean).join(' ');
  return {
    name,
    ...(blank(a.phone) ? { phone: a.phone! } : {}),
    country: a.country_code.toUpperCase(),
    ...(blank(a.province) ? { province: a.province! } : {}),
    city: a.city ?? '',
    line1: a.address1 ?? '',
    ...(blank(a.address2) ? { line2: a.address2! } : {}),
    ...(blank(a.zip) ? { postalCode: a.zip! } : {}),
  };
}

/** A Shopify order as the canonical snapshot: its prices, taxes and totals as Shopify computed them. */
export function fromShopifyOrder(o: ShopifyOrder): ChannelOrder {
  const money = (a: string | number | null | undefined) => toMinorUnits(a, o.currency);
  const shipping = address(o.shipping_address);
  const billing = address(o.billing_address);
  const customerName = [o.customer?.first_name, o.customer?.last_name].filter(Boolean).join(' ');
  const phone = blank(o.phone) ?? blank(o.customer?.phone);
  return canonical(
    {
      externalId: String(o.id),
      ...(o.name ? { number: o.name } : {}),
      updatedAt: iso(o.updated_at),
      ...(o.created_at ? { createdAt: iso(o.created_at) } : {}),
      status: o.cancelled_at ? 'cancelled' : o.fulfillment_status === 'fulfilled' ? 'completed' : 'open',
      ...(o.cancelled_at
        ? { cancelReason: `cancelled on Shopify (${o.cancel_reason ?? 'no reason given'})` }
        : {}),
      paid: PAID.has(o.financial_status ?? ''),
      currency: o.currency,
      lines: o.line_items.map((l) => ({
        ...(blank(l.sku) ? { channelSku: l.sku! } : {}),
        ...(l.variant_id !== null && l.variant_id !== undefined ? { variantId: String(l.variant_id) } : {}),
        title: (l.name ?? l.title ?? '').slice(0, 500),
        quantity: l.quantity,
        unitPrice: money(l.price),
        discount: money(l.total_discount),
        tax: (l.tax_lines ?? []).reduce((sum, t) => sum + money(t.price), 0),
      })),
      shippingTotal: (o.shipping_lines ?? []).reduce((sum, s) => sum + money(s.price), 0),
      discountTotal: money(o.total_discounts),
      taxTotal: money(o.total_tax),
      taxesIncluded: o.taxes_included === true,
      grandTotal: money(o.total_price),
      customer: {
        ...(blank(o.email) ? { email: o.email! } : {}),
        ...(customerName ? { name: customerName } : {}),
        ...(phone ? { phone } : {}),
      },
      ...(shipping ? { shippingAddress: shipping } : {}),
      ...(billing ? { billingAddress: billing } : {}),
      ...(blank(o.note) ? { note: o.note!.slice(0, 2000) } : {}),
    },
    'Shopify order',
  );
}

/** The amount a refund gave back, in the order's minor units. */
export function shopifyRefundAmount(r: ShopifyRefund, currency: string): number {
  return r.transactions
    .filter((t) => (t.kind ?? 'refund') === 'refund' && (t.status ?? 'success') === 'success')
    .reduce((sum, t) => sum + toMinorUnits(t.amount, t.currency ?? currency), 0);
}
