import { type Static, Type } from 'typebox';
import { Currency, DateTime, Money, StringEnum, Uuid } from '../../platform/schemas.js';
import { Address, Customer, PAYMENT_METHODS } from '../orders/index.js';

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
  { currency: Type.Optional(Currency()) },
  { additionalProperties: false },
);

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
  },
  { additionalProperties: false },
);
export type CheckoutInput = Static<typeof CheckoutBody>;

export const CartParams = Type.Object({ id: Uuid() });
export const CartItemParams = Type.Object({ id: Uuid(), itemId: Uuid() });
