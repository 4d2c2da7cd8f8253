import { type Static, Type } from 'typebox';
import { Currency, DateTime, Money, StringEnum } from '../../platform/schemas.js';

/**
 * What every channel adapter (Shopify and WooCommerce webhooks, Amazon polling, file imports) turns
 * its own payload into: one order as the channel sees it now, a whole snapshot rather than a change,
 * so that the newest snapshot is the truth whatever order they arrive in.
 */
export const CHANNEL_ORDER_STATUSES = ['open', 'cancelled', 'completed'] as const;
export type ChannelOrderStatus = (typeof CHANNEL_ORDER_STATUSES)[number];

const Text = (max: number) => Type.String({ maxLength: max });

export const ChannelAddress = Type.Object(
  {
    name: Text(200),
    phone: Type.Optional(Text(64)),
    country: Type.String({ pattern: '^[A-Z]{2}$' }),
    province: Type.Optional(Text(64)),
    city: Text(100),
    line1: Text(300),
    line2: Type.Optional(Text(300)),
    postalCode: Type.Optional(Text(32)),
  },
  { additionalProperties: false },
);
export type ChannelAddress = Static<typeof ChannelAddress>;

export const ChannelOrderLine = Type.Object(
  {
    /** The channel's SKU; some channels sell variants without one, so `variantId` may name it instead. */
    channelSku: Type.Optional(Text(128)),
    variantId: Type.Optional(Text(128)),
    title: Text(500),
    quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    /** The channel's unit price, before the line's discount. */
    unitPrice: Money({ minimum: 0 }),
    discount: Type.Optional(Money({ minimum: 0 })),
    tax: Type.Optional(Money({ minimum: 0 })),
  },
  { additionalProperties: false },
);
export type ChannelOrderLine = Static<typeof ChannelOrderLine>;

export const ChannelOrder = Type.Object(
  {
    externalId: Type.String({ minLength: 1, maxLength: 128 }),
    /** The channel's human number (Shopify `#1001`), kept for people. */
    number: Type.Optional(Text(64)),
    /** When the channel last changed the order: a snapshot older than the one kept is ignored. */
    updatedAt: DateTime(),
    /** The channel's revision counter where it has one; breaks ties of `updatedAt`. */
    version: Type.Optional(Type.Integer({ minimum: 0 })),
    createdAt: Type.Optional(DateTime()),
    status: StringEnum(CHANNEL_ORDER_STATUSES),
    cancelReason: Type.Optional(Text(500)),
    /** The channel took the money (Shopify `financial_status: paid`, WooCommerce `date_paid`). */
    paid: Type.Boolean(),
    currency: Currency(),
    lines: Type.Array(ChannelOrderLine, { minItems: 1, maxItems: 500 }),
    shippingTotal: Money({ minimum: 0 }),
    discountTotal: Money({ minimum: 0 }),
    taxTotal: Money({ minimum: 0 }),
    /** Line prices include tax (then taxTotal is the part of them that is tax, not added on top). */
    taxesIncluded: Type.Optional(Type.Boolean()),
    /** What the buyer pays, as the channel computed it (taxes included or not, its rounding). */
    grandTotal: Money({ minimum: 0 }),
    customer: Type.Object(
      {
        email: Type.Optional(Text(254)),
        name: Type.Optional(Text(200)),
        phone: Type.Optional(Text(64)),
      },
      { additionalProperties: false },
    ),
    shippingAddress: Type.Optional(ChannelAddress),
    billingAddress: Type.Optional(ChannelAddress),
    note: Type.Optional(Text(2000)),
  },
  { additionalProperties: false },
);
export type ChannelOrder = Static<typeof ChannelOrder>;

/** Whether `a` is a later state of the order than `b`, by the channel's clock and then its version. */
export function isNewer(
  a: Pick<ChannelOrder, 'updatedAt' | 'version'>,
  b: { updatedAt: Date; version: number },
): boolean {
  const at = Date.parse(a.updatedAt);
  const bt = b.updatedAt.getTime();
  return at > bt || (at === bt && (a.version ?? 0) > b.version);
}

/** Lines − discounts + shipping (+ tax when not included), to hold against the channel's own total. */
export function expectedTotal(o: ChannelOrder): number {
  const lines = o.lines.reduce((sum, l) => sum + l.unitPrice * l.quantity, 0);
  return lines - o.discountTotal + o.shippingTotal + (o.taxesIncluded ? 0 : o.taxTotal);
}
