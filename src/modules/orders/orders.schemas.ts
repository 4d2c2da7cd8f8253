import { type Static, Type } from 'typebox';
import { Currency, DateTime, Money, StringEnum, Uuid } from '../../platform/schemas.js';
import { CouponCodes, OrderPricing, ShippingChoice } from '../pricing/index.js';
import { FULFILLMENT_STATUSES, ORDER_STATUSES, PAYMENT_STATUSES } from './order-state.js';

export const PAYMENT_METHODS = ['sandbox', 'cod', 'alipay', 'wechatpay'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

const AddressKey = Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$' });

export const Address = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    phone: Type.String({ pattern: '^\\+?[0-9 ()-]{3,32}$' }),
    country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2' }),
    province: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    city: Type.String({ minLength: 1, maxLength: 64 }),
    district: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    line1: Type.String({ minLength: 1, maxLength: 200 }),
    line2: Type.Optional(Type.String({ maxLength: 200 })),
    postalCode: Type.Optional(Type.String({ maxLength: 16 })),
  },
  { additionalProperties: false },
);
export type Address = Static<typeof Address>;

export const Customer = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 254 }),
    phone: Type.Optional(Type.String({ pattern: '^\\+?[0-9 ()-]{3,32}$' })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
);

/**
 * The buyer's identity document, which a market rule may require (cross-border retail imports into
 * China: the buyer's resident ID and the name on it, matching the order's customer name). Kept by the
 * compliance module apart from the order, masked for support; never in events or logs (`idNumber`
 * and `name` are personal fields the logger and the audit trail redact).
 */
export const BuyerIdentity = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, description: 'The name on the document' }),
    idNumber: Type.String({
      pattern: '^[0-9A-Za-z]{6,32}$',
      description: 'e.g. an 18-character PRC resident ID',
    }),
  },
  { additionalProperties: false },
);

export const OrderLineInput = Type.Object(
  {
    sku: Type.String({ minLength: 1, maxLength: 64 }),
    quantity: Type.Integer({ minimum: 1, maximum: 999 }),
    shipTo: Type.Optional(AddressKey),
  },
  { additionalProperties: false },
);

export const PlaceOrderBody = Type.Object(
  {
    customer: Customer,
    lines: Type.Array(OrderLineInput, { minItems: 1, maxItems: 100 }),
    addresses: Type.Record(AddressKey, Address, {
      minProperties: 1,
      maxProperties: 10,
      additionalProperties: false,
    }),
    paymentMethod: StringEnum(PAYMENT_METHODS),
    channel: Type.Optional(
      Type.String({ pattern: '^[a-z0-9_-]{1,32}$', description: 'Sales channel; default web' }),
    ),
    note: Type.Optional(Type.String({ maxLength: 1000 })),
    couponCodes: Type.Optional(CouponCodes),
    shipping: Type.Optional(ShippingChoice),
    buyerIdentity: Type.Optional(BuyerIdentity),
  },
  { additionalProperties: false },
);
export type PlaceOrderInput = Static<typeof PlaceOrderBody>;

export const Totals = Type.Object({
  subtotal: Money(),
  shipping: Money(),
  discount: Money(),
  tax: Money(),
  grandTotal: Money(),
});

export const OrderLine = Type.Object({
  id: Type.String(),
  lineNo: Type.Integer(),
  sku: Type.String(),
  title: Type.String(),
  unitPrice: Money(),
  quantity: Type.Integer(),
  lineTotal: Money(),
  shipTo: Type.String(),
  discount: Money({ description: "This line's share of the discount (what refunding it takes off)" }),
  tax: Money({ description: 'Tax on lineTotal − discount' }),
  taxInclusive: Type.Boolean(),
});

export const OrderStatusSchema = StringEnum(ORDER_STATUSES);

export const OrderSummary = Type.Object({
  id: Type.String(),
  number: Type.String(),
  status: OrderStatusSchema,
  paymentStatus: StringEnum(PAYMENT_STATUSES),
  fulfillmentStatus: StringEnum(FULFILLMENT_STATUSES),
  channel: Type.String(),
  paymentMethod: Type.String(),
  currency: Currency(),
  customer: Type.Union(
    [
      Type.Object({
        email: Type.String(),
        phone: Type.Union([Type.String(), Type.Null()]),
        name: Type.Union([Type.String(), Type.Null()]),
      }),
      Type.Null(),
    ],
    { description: 'null for a warehouse key: it ships to the addresses and needs no customer contact' },
  ),
  totals: Totals,
  paidTotal: Money(),
  version: Type.Integer(),
  placedAt: DateTime(),
  paymentDueAt: Type.Union([DateTime(), Type.Null()]),
  cancelledAt: Type.Union([DateTime(), Type.Null()]),
  cancelReason: Type.Union([Type.String(), Type.Null()]),
  note: Type.Union([Type.String(), Type.Null()]),
  refundedTotal: Money(),
  deliveredAt: Type.Union([DateTime(), Type.Null()]),
  completedAt: Type.Union([DateTime(), Type.Null()]),
  reviewReason: Type.Union([Type.String(), Type.Null()], {
    description: 'Set when the order needs a person, e.g. a payment that did not match',
  }),
});
export type OrderSummary = Static<typeof OrderSummary>;

export const Order = Type.Intersect([
  OrderSummary,
  Type.Object({
    lines: Type.Array(OrderLine),
    pricing: Type.Union([OrderPricing, Type.Null()], {
      description: 'null on orders placed before pricing rules',
    }),
    addresses: Type.Record(Type.String(), Type.Object({}, { additionalProperties: true }), {
      description: 'Shipping addresses by key; empty for a finance key, which needs none',
    }),
  }),
]);
export type Order = Static<typeof Order>;

/** The order as its placement answers: with the buyer's access token, shown this once. */
export const PlacedOrder = Type.Intersect([
  Order,
  Type.Object({
    accessToken: Type.String({
      description:
        'Proof of this order for a storefront key (GET, cancel, confirm receipt, payments, returns): send it as the order-access-token header or the accessToken query parameter. Shown only here; keep it with the buyer',
    }),
  }),
]);
export type PlacedOrder = Static<typeof PlacedOrder>;

export const TimelineEntry = Type.Object({
  id: Type.String(),
  at: DateTime(),
  kind: Type.String(),
  fromStatus: Type.Union([Type.String(), Type.Null()]),
  toStatus: Type.Union([Type.String(), Type.Null()]),
  actor: Type.Union([Type.String(), Type.Null()]),
  message: Type.String(),
  data: Type.Record(Type.String(), Type.Unknown()),
});

/** The order with everything known about it; later modules add sections (payments, shipments, returns). */
export const OrderDetail = Type.Intersect([
  Order,
  Type.Object(
    {
      reservations: Type.Array(
        Type.Object({
          id: Type.String(),
          sku: Type.String(),
          warehouseCode: Type.String(),
          quantity: Type.Integer(),
          status: Type.String(),
        }),
      ),
      timeline: Type.Array(TimelineEntry),
    },
    { additionalProperties: true },
  ),
]);

export const OrderIdParams = Type.Object({ id: Uuid() });

export const VersionedBody = {
  version: Type.Optional(
    Type.Integer({ minimum: 1, description: 'Optimistic concurrency: the version you read' }),
  ),
};

export const ConfirmReceiptBody = Type.Object({ ...VersionedBody }, { additionalProperties: false });

export const CancelOrderBody = Type.Object(
  { reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })), ...VersionedBody },
  { additionalProperties: false },
);

export const ListOrdersQuery = Type.Object(
  {
    status: Type.Optional(OrderStatusSchema),
    channel: Type.Optional(Type.String({ maxLength: 32 })),
    customer: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 254,
        description: 'Customer email, or phone in any common spelling (138 0000 0000, +86 13800000000)',
      }),
    ),
    q: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 254,
        description: 'Order number, email or phone (any common spelling; phones are kept in E.164)',
      }),
    ),
    from: Type.Optional(DateTime()),
    to: Type.Optional(DateTime()),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    cursor: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
);
export type ListOrdersQuery = Static<typeof ListOrdersQuery>;
/** Where an order page ends: the last order's placedAt and id. */
export const OrderCursor = Type.Tuple([DateTime(), Uuid()]);
