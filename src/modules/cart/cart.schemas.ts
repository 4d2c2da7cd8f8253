import { type Static, Type } from 'typebox';
import { Currency, DateTime, Money, StringEnum, Uuid } from '../../platform/schemas.js';
import { Address, BuyerIdentity, Customer, PAYMENT_METHODS, PlacedOrder } from '../orders/index.js';
import { Payment } from '../payments/index.js';
import { CouponCodes, ShippingChoice, ShippingOptionSchema } from '../pricing/index.js';

export const CartItem = Type.Object({
  id: Type.String(),
  sku: Type.String(),
  title: Type.Union([Type.String(), Type.Null()]),
  quantity: Type.Integer(),
  unitPrice: Type.Union([Money(), Type.Null()]),
  lineTotal: Type.Union([Money(), Type.Null()]),
  available: Type.Integer({ description: 'Units that can be sold now, across warehouses' }),
  problem: Type.Union([Type.String(), Type.Null()], {
    description: 'Why this line cannot be checked out as is',
  }),
});

export const Cart = Type.Object({
  id: Type.String(),
  status: StringEnum(['open', 'checked_out'] as const),
  currency: Type.Union([Currency(), Type.Null()]),
  items: Type.Array(CartItem),
  subtotal: Money(),
  orderId: Type.Union([Type.String(), Type.Null()]),
  createdAt: DateTime(),
  updatedAt: DateTime(),
});
export type Cart = Static<typeof Cart>;

export const CreateCartBody = Type.Object(
  {
    currency: Type.Optional(Currency()),
    items: Type.Optional(
      Type.Array(
        Type.Object(
          {
            sku: Type.String({ minLength: 1, maxLength: 64 }),
            quantity: Type.Integer({ minimum: 1, maximum: 999 }),
          },
          { additionalProperties: false },
        ),
        { maxItems: 100, description: 'The first lines, so a whole basket is one request' },
      ),
    ),
  },
  { additionalProperties: false },
);
export type CreateCartInput = Static<typeof CreateCartBody>;

export const AddItemBody = Type.Object(
  { sku: Type.String({ minLength: 1, maxLength: 64 }), quantity: Type.Integer({ minimum: 1, maximum: 999 }) },
  { additionalProperties: false },
);

export const ChangeItemBody = Type.Object(
  { quantity: Type.Integer({ minimum: 1, maximum: 999 }) },
  { additionalProperties: false },
);

export const CheckoutBody = Type.Object(
  {
    customer: Customer,
    addresses: Type.Record(Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$' }), Address, {
      minProperties: 1,
      maxProperties: 10,
      additionalProperties: false,
    }),
    shipTo: Type.Optional(
      Type.Record(
        Type.String({ minLength: 1, maxLength: 64 }),
        Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$' }),
        {
          description: 'Address key per SKU, when the order has several addresses',
          maxProperties: 200,
        },
      ),
    ),
    paymentMethod: StringEnum(PAYMENT_METHODS),
    channel: Type.Optional(Type.String({ pattern: '^[a-z0-9_-]{1,32}$' })),
    note: Type.Optional(Type.String({ maxLength: 1000 })),
    couponCodes: Type.Optional(CouponCodes),
    shipping: Type.Optional(ShippingChoice),
    buyerIdentity: Type.Optional(BuyerIdentity),
    payment: Type.Optional(
      Type.Object(
        {
          capture: Type.Optional(
            StringEnum(['automatic', 'manual'] as const, {
              description: 'manual: the payment stops at authorized until captured (sandbox)',
              default: 'automatic',
            }),
          ),
        },
        {
          additionalProperties: false,
          description:
            "Open the payment with paymentMethod's provider in the same call, for the whole total: the answer carries it as `payment` (what POST /v1/orders/{id}/payments would answer). Not for cod",
        },
      ),
    ),
  },
  { additionalProperties: false },
);
export type CheckoutInput = Static<typeof CheckoutBody>;

/** The placed order, with its payment when the checkout opened one. */
export const CheckoutResult = Type.Intersect([
  PlacedOrder,
  Type.Object({
    payment: Type.Optional(
      Type.Union([Payment, Type.Null()], {
        description: 'The payment intent opened with the order (`payment` asked); null when nothing was due',
      }),
    ),
  }),
]);
export type CheckoutResult = Static<typeof CheckoutResult>;

export const CartParams = Type.Object({ id: Uuid() });
export const CartItemParams = Type.Object({ id: Uuid(), itemId: Uuid() });

export const ShippingOptionsQuery = Type.Object(
  {
    country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2' }),
    province: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    city: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    channel: Type.Optional(Type.String({ pattern: '^[a-z0-9_-]{1,32}$' })),
    couponCodes: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z0-9_-]{1,32}(,[A-Za-z0-9_-]{1,32}){0,4}$',
        description: 'comma-separated',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ShippingOptionsQuery = Static<typeof ShippingOptionsQuery>;

export const CartShippingOptions = Type.Object({
  currency: Currency(),
  zone: Type.Union([Type.String(), Type.Null()], { description: 'The shipping zone of the address' }),
  subtotal: Money(),
  discount: Money(),
  coupons: Type.Array(
    Type.Object({
      code: Type.String(),
      applied: Type.Boolean(),
      reason: Type.Union([Type.String(), Type.Null()]),
      message: Type.Union([Type.String(), Type.Null()]),
    }),
  ),
  options: Type.Array(
    Type.Object({
      ...ShippingOptionSchema.properties,
      promise: Type.String({ description: 'Delivery promise, e.g. "2–3 days"' }),
      total: Money({ description: 'The order total with this option, paid online' }),
      cashOnDelivery: Type.Object({
        available: Type.Boolean(),
        fee: Type.Union([Money(), Type.Null()], { description: "The zone's COD fee" }),
        total: Type.Union([Money(), Type.Null()], { description: 'The order total paid on delivery' }),
        reason: Type.Union([Type.String(), Type.Null()], {
          description: 'Why not: no COD in the zone, or the total past its COD limit',
        }),
      }),
    }),
    { description: 'Cheapest first; checkout takes an id as shipping.{address key}' },
  ),
});
export type CartShippingOptions = Static<typeof CartShippingOptions>;
