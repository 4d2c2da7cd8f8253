import { type Static, Type } from 'typebox';
import type { ChannelAddress, ChannelOrder } from '../channel-order.js';
import { canonical } from '../channel-payload.js';
import { toMinorUnits } from '../minor-units.js';

const Amount = Type.Union([Type.String({ maxLength: 32 }), Type.Number(), Type.Null()]);
const Nullable = <T extends Parameters<typeof Type.Optional>[0]>(t: T) =>
  Type.Optional(Type.Union([t, Type.Null()]));
// WooCommerce's *_gmt times are UTC without a zone: 2017-03-22T19:28:08
const GmtTime = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}' });

const WooAddress = Type.Object({
  first_name: Nullable(Type.String()),
  last_name: Nullable(Type.String()),
  address_1: Nullable(Type.String()),
  address_2: Nullable(Type.String()),
  city: Nullable(Type.String()),
  state: Nullable(Type.String()),
  postcode: Nullable(Type.String()),
  country: Nullable(Type.String()),
  email: Nullable(Type.String()),
  phone: Nullable(Type.String()),
});

/** The fields of a WooCommerce REST v3 order (the body of `order.*` webhooks) the adapter reads. */
export const WooOrder = Type.Object({
  id: Type.Integer({ minimum: 1 }),
  number: Nullable(Type.String()),
  status: Type.String(),
  currency: Type.String({ pattern: '^[A-Z]{3}$' }),
  date_created_gmt: Nullable(GmtTime),
  date_modified_gmt: GmtTime,
  date_paid_gmt: Nullable(Type.String()),
  discount_total: Type.Optional(Amount),
  shipping_total: Type.Optional(Amount),
  total_tax: Type.Optional(Amount),
  total: Amount,
  customer_note: Nullable(Type.String()),
  billing: Nullable(WooAddress),
  shipping: Nullable(WooAddress),
  line_items: Type.Array(
    Type.Object({
      name: Nullable(Type.String()),
      product_id: Nullable(Type.Integer()),
      variation_id: Nullable(Type.Integer()),
      quantity: Type.Integer({ minimum: 1 }),
      subtotal: Amount,
      total: Amount,
      total_tax: Type.Optional(Amount),
      sku: Nullable(Type.String()),
    }),
    { minItems: 1, maxItems: 500 },
  ),
});
export type WooOrder = Static<typeof WooOrder>;

/** An `order.deleted` body: the order's id (WooCommerce sends only that once it is gone). */
export const WooDeleted = Type.Object({ id: Type.Integer({ minimum: 1 }) });

const CANCELLED = new Set(['cancelled', 'refunded', 'failed', 'trash']);
const gmt = (text: string) => new Date(`${text.slice(0, 19)}Z`).toISOString();
const blank = (s: string | null | undefined) => (s ? s : undefined);

function address(a: Static<typeof WooAddress> | null | undefined): ChannelAddress | undefined {
  if (!a?.country) return undefined;
  return {
    name: [a.first_name, a.last_name].filter(Boolean).join(' '),
    ...(blank(a.phone) ? { phone: a.phone! } : {}),
    country: a.country.toUpperCase(),
    ...(blank(a.state) ? { province: a.state! } : {}),
    city: a.city ?? '',
    line1: a.address_1 ?? '',
    ...(blank(a.address_2) ? { line2: a.address_2! } : {}),
    ...(blank(a.postcode) ? { postalCode: a.postcode! } : {}),
  };
}

/**
 * A WooCommerce order as the canonical snapshot. Its webhook payload is built when it is delivered,
 * not when the event happened, so it may already be a later state: `date_modified_gmt` orders it.
 */
export function fromWooOrder(o: WooOrder): ChannelOrder {
  const money = (a: string | number | null | undefined) => toMinorUnits(a, o.currency);
  const shipping = address(o.shipping);
  const billing = address(o.billing);
  const name = [o.billing?.first_name, o.billing?.last_name].filter(Boolean).join(' ');
  return canonical(
    {
      externalId: String(o.id),
      ...(o.number ? { number: o.number } : {}),
      updatedAt: gmt(o.date_modified_gmt),
      ...(o.date_created_gmt ? { createdAt: gmt(o.date_created_gmt) } : {}),
      status: CANCELLED.has(o.status) ? 'cancelled' : o.status === 'completed' ? 'completed' : 'open',
      ...(CANCELLED.has(o.status) ? { cancelReason: `${o.status} on WooCommerce` } : {}),
      paid: !!o.date_paid_gmt || o.status === 'processing' || o.status === 'completed',
      currency: o.currency,
      lines: o.line_items.map((l) => {
        // line subtotal and total are without tax in the REST API, whatever prices_include_tax says
        const subtotal = money(l.subtotal);
        const variant = l.variation_id || l.product_id;
        return {
          ...(blank(l.sku) ? { channelSku: l.sku! } : {}),
          ...(variant ? { variantId: String(variant) } : {}),
          title: (l.name ?? '').slice(0, 500),
          quantity: l.quantity,
          unitPrice: Math.round(subtotal / l.quantity),
          discount: Math.max(0, subtotal - money(l.total)),
          tax: money(l.total_tax),
        };
      }),
      shippingTotal: money(o.shipping_total),
      discountTotal: money(o.discount_total),
      taxTotal: money(o.total_tax),
      grandTotal: money(o.total),
      customer: {
        ...(blank(o.billing?.email) ? { email: o.billing!.email! } : {}),
        ...(name ? { name } : {}),
        ...(blank(o.billing?.phone) ? { phone: o.billing!.phone! } : {}),
      },
      ...(shipping ? { shippingAddress: shipping } : {}),
      ...(billing ? { billingAddress: billing } : {}),
      ...(blank(o.customer_note) ? { note: o.customer_note!.slice(0, 2000) } : {}),
    },
    'WooCommerce order',
  );
}
