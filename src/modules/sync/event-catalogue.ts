import { type Static, Type } from 'typebox';

const Money = Type.Integer();

/** What every order event carries: the order as it is after the change. */
export const OrderSnapshot = Type.Object({
  id: Type.String(),
  number: Type.String(),
  status: Type.String(),
  paymentStatus: Type.String(),
  fulfillmentStatus: Type.String(),
  channel: Type.String(),
  currency: Type.String(),
  grandTotal: Money,
  paidTotal: Money,
  version: Type.Integer(),
});

const OrderLineSnapshot = Type.Object({ sku: Type.String(), quantity: Type.Integer(), unitPrice: Money });
const PaymentSnapshot = Type.Object({
  id: Type.String(),
  provider: Type.String(),
  amount: Money,
  currency: Type.String(),
  status: Type.String(),
});
const ReservationSnapshot = Type.Object({
  sku: Type.String(),
  warehouse: Type.String(),
  quantity: Type.Integer(),
});

/**
 * Every event type OrderSync emits, with its payload schema. Consumers should validate again: stored
 * events can be older than the code that reads them.
 */
export const EventCatalogue = {
  'order.placed': Type.Object({
    order: OrderSnapshot,
    customer: Type.Object({ email: Type.String() }),
    lines: Type.Array(OrderLineSnapshot),
    reservations: Type.Array(ReservationSnapshot),
  }),
  'order.paid': Type.Object({ order: OrderSnapshot }),
  'order.cancelled': Type.Object({
    order: OrderSnapshot,
    reason: Type.String(),
    released: Type.Array(ReservationSnapshot),
  }),
  'payment.created': Type.Object({ order: OrderSnapshot, payment: PaymentSnapshot }),
  'payment.succeeded': Type.Object({ order: OrderSnapshot, payment: PaymentSnapshot }),
  'payment.refunded': Type.Object({ order: OrderSnapshot, payment: PaymentSnapshot, amount: Money }),
} as const;

export type EventType = keyof typeof EventCatalogue;
export type EventData<T extends EventType> = Static<(typeof EventCatalogue)[T]>;
export const EVENT_TYPE_PREFIX = 'com.ordersync.';
