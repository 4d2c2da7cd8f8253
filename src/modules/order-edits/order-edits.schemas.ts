import { type Static, Type } from 'typebox';
import { Address, OrderDetail } from '../orders/index.js';
import { ShippingOptionSchema } from '../pricing/index.js';

const AddressKey = Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$' });
const ShippingOptionId = Type.String({
  pattern: '^[a-z0-9_-]{1,32}:[a-z0-9_-]{1,32}$',
  description: 'carrier:service',
});

export const OrderEditBody = Type.Object(
  {
    lines: Type.Optional(
      Type.Array(
        Type.Object(
          {
            lineId: Type.String({ format: 'uuid' }),
            quantity: Type.Integer({ minimum: 0, maximum: 999, description: '0 removes the line' }),
          },
          { additionalProperties: false },
        ),
        { maxItems: 100 },
      ),
    ),
    add: Type.Optional(
      Type.Array(
        Type.Object(
          {
            sku: Type.String({ minLength: 1, maxLength: 64 }),
            quantity: Type.Integer({ minimum: 1, maximum: 999 }),
            shipTo: Type.Optional(AddressKey),
          },
          { additionalProperties: false },
        ),
        { maxItems: 100 },
      ),
    ),
    addresses: Type.Optional(
      Type.Record(AddressKey, Address, {
        description: 'Replaces the address under an existing key',
        additionalProperties: false,
      }),
    ),
    shipping: Type.Optional(
      Type.Record(AddressKey, ShippingOptionId, {
        description: 'The shipping option per address key',
        additionalProperties: false,
      }),
    ),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 500 })),
    version: Type.Optional(Type.Integer({ minimum: 1, description: 'The order version the edit expects' })),
  },
  { additionalProperties: false },
);
export type OrderEditBody = Static<typeof OrderEditBody>;

const Money = Type.Integer({ description: 'minor units' });

export const OrderEdit = Type.Object({
  id: Type.String(),
  orderId: Type.String(),
  version: Type.Integer({ description: '1 for the first edit of the order, then 2, …' }),
  actor: Type.String(),
  reason: Type.Union([Type.String(), Type.Null()]),
  before: Type.Unknown({ description: 'lines, addresses, shipping and totals before the edit' }),
  after: Type.Unknown({ description: 'the same after it' }),
  difference: Type.Integer({ description: 'new grand total − old grand total' }),
  refunded: Money,
  due: Type.Integer({ description: 'what the order owes after the edit (a payment is opened for it)' }),
  createdAt: Type.String({ format: 'date-time' }),
});
export type OrderEdit = Static<typeof OrderEdit>;

export const OrderEditResult = Type.Object({
  edit: OrderEdit,
  order: OrderDetail,
  payment: Type.Union([Type.Unknown(), Type.Null()], {
    description: 'the payment intent opened for what the edit leaves due, if any',
  }),
});

export const OrderIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const OrderShippingOptions = Type.Object({
  currency: Type.String(),
  grandTotal: Type.Integer({ description: 'The order total now (minor units)' }),
  addresses: Type.Array(
    Type.Object({
      address: Type.String({ description: 'The address key, as an edit names it in `shipping`' }),
      zone: Type.Union([Type.String(), Type.Null()], { description: 'The shipping zone of the address' }),
      current: Type.Union([Type.String(), Type.Null()], {
        description: 'The option (carrier:service) it has',
      }),
      options: Type.Array(
        Type.Object({
          ...ShippingOptionSchema.properties,
          promise: Type.String({ description: 'Delivery promise, e.g. "2–4 days"' }),
          total: Type.Integer({ description: 'The order total with this option' }),
          difference: Type.Integer({ description: 'total − the order total now' }),
        }),
      ),
    }),
  ),
});
export type OrderShippingOptions = Static<typeof OrderShippingOptions>;
