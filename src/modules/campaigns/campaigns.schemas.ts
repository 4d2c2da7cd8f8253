import { type Static, Type } from 'typebox';
import { DateTime, Money, StringEnum, Uuid } from '../../platform/schemas.js';
import { Address, BuyerIdentity, Customer, Order, PAYMENT_METHODS, PlacedOrder } from '../orders/index.js';

export const Campaign = Type.Object({
  id: Type.String(),
  name: Type.String(),
  sku: Type.String(),
  startsAt: DateTime(),
  endsAt: DateTime(),
  allotted: Type.Integer(),
  sold: Type.Integer(),
  remaining: Type.Integer(),
  perCustomerLimit: Type.Integer(),
  price: Money(),
  createdAt: DateTime(),
});
export type Campaign = Static<typeof Campaign>;

export const CreateCampaignBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 200 }),
    sku: Type.String({ minLength: 1, maxLength: 64 }),
    startsAt: DateTime(),
    endsAt: DateTime(),
    allotted: Type.Integer({ minimum: 1, maximum: 10_000_000 }),
    perCustomerLimit: Type.Integer({ minimum: 1, maximum: 999 }),
    price: Money({ minimum: 0, description: 'Campaign unit price, minor units of the SKU currency' }),
  },
  { additionalProperties: false },
);
export type CreateCampaignInput = Static<typeof CreateCampaignBody>;

export const BuyBody = Type.Object(
  {
    customer: Customer,
    quantity: Type.Optional(Type.Integer({ minimum: 1, maximum: 999, default: 1 })),
    addresses: Type.Record(Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$' }), Address, {
      minProperties: 1,
      maxProperties: 1,
      additionalProperties: false,
    }),
    paymentMethod: StringEnum(PAYMENT_METHODS),
    channel: Type.Optional(Type.String({ pattern: '^[a-z0-9_-]{1,32}$' })),
    buyerIdentity: Type.Optional(BuyerIdentity),
  },
  { additionalProperties: false },
);
export type BuyInput = Static<typeof BuyBody>;

export const BuyQuery = Type.Object(
  {
    queued: Type.Optional(
      Type.Boolean({
        description: 'Accept into the queued intake: 202 with a ticket to poll, instead of the order',
      }),
    ),
  },
  { additionalProperties: false },
);

export const Ticket = Type.Object({
  id: Type.String(),
  campaignId: Type.String(),
  status: StringEnum(['queued', 'placed', 'failed'] as const),
  orderId: Type.Union([Type.String(), Type.Null()]),
  problem: Type.Union([Type.Object({}, { additionalProperties: true }), Type.Null()]),
  createdAt: DateTime(),
});

export const CampaignParams = Type.Object({ id: Uuid() });
export const TicketParams = Type.Object({ id: Uuid() });
export { Order, PlacedOrder };

/** A ticket as the queued buy answers it: with the access token its order will take (see PlacedOrder). */
export const QueuedTicket = Type.Intersect([
  Ticket,
  Type.Object({
    accessToken: Type.String({
      description: "The order's access token once it is placed: what a storefront key needs to reach it",
    }),
  }),
]);
