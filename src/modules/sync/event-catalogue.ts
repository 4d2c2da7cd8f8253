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

const ShipmentSnapshot = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  status: Type.String(),
  warehouse: Type.String(),
  carrier: Type.Union([Type.String(), Type.Null()]),
  trackingNumber: Type.Union([Type.String(), Type.Null()]),
  lines: Type.Array(Type.Object({ lineId: Type.String(), sku: Type.String(), quantity: Type.Integer() })),
});
const ReturnSnapshot = Type.Object({
  id: Type.String(),
  type: Type.String(),
  status: Type.String(),
  reason: Type.String(),
  lines: Type.Array(Type.Object({ lineId: Type.String(), sku: Type.String(), quantity: Type.Integer() })),
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
  'payment.refunded': Type.Object({
    order: OrderSnapshot,
    payment: PaymentSnapshot,
    amount: Money,
    refundId: Type.Optional(Type.String()),
    reason: Type.Optional(Type.String()),
  }),
  // Order life cycle after payment (issue 3)
  'order.partially_shipped': Type.Object({ order: OrderSnapshot, shipmentId: Type.String() }),
  'order.shipped': Type.Object({ order: OrderSnapshot, shipmentId: Type.String() }),
  'order.delivered': Type.Object({ order: OrderSnapshot }),
  'order.completed': Type.Object({ order: OrderSnapshot, automatically: Type.Boolean() }),
  'order.closed': Type.Object({ order: OrderSnapshot }),
  'order.flagged': Type.Object({ order: OrderSnapshot, reason: Type.String() }),
  'order.lines_cancelled': Type.Object({
    order: OrderSnapshot,
    lines: Type.Array(Type.Object({ lineId: Type.String(), quantity: Type.Integer() })),
    reason: Type.String(),
  }),
  'payment.authorized': Type.Object({ order: OrderSnapshot, payment: PaymentSnapshot }),
  'payment.captured': Type.Object({ order: OrderSnapshot, payment: PaymentSnapshot }),
  'payment.failed': Type.Object({ order: OrderSnapshot, payment: PaymentSnapshot, reason: Type.String() }),
  'payment.late_received': Type.Object({ order: OrderSnapshot, payment: PaymentSnapshot }),
  /** Money that did not match its intent, recorded and waiting for an operator (accept or refund). */
  'payment.held': Type.Object({
    order: OrderSnapshot,
    payment: PaymentSnapshot,
    receivedAmount: Money,
    receivedCurrency: Type.String(),
    reason: Type.String(),
  }),
  'payment.refund_failed': Type.Object({
    order: OrderSnapshot,
    payment: PaymentSnapshot,
    amount: Money,
    refundId: Type.String(),
    reason: Type.String(),
  }),
  'shipment.created': Type.Object({ order: OrderSnapshot, shipment: ShipmentSnapshot }),
  'shipment.shipped': Type.Object({ order: OrderSnapshot, shipment: ShipmentSnapshot }),
  'shipment.status_changed': Type.Object({
    order: OrderSnapshot,
    shipment: ShipmentSnapshot,
    from: Type.String(),
    event: Type.Object({ time: Type.String(), description: Type.String() }),
  }),
  'return.requested': Type.Object({ order: OrderSnapshot, return: ReturnSnapshot }),
  'return.approved': Type.Object({ order: OrderSnapshot, return: ReturnSnapshot }),
  'return.rejected': Type.Object({ order: OrderSnapshot, return: ReturnSnapshot, note: Type.String() }),
  'return.received': Type.Object({ order: OrderSnapshot, return: ReturnSnapshot }),
  'return.refunded': Type.Object({ order: OrderSnapshot, return: ReturnSnapshot, amount: Money }),
  'return.exchanged': Type.Object({
    order: OrderSnapshot,
    return: ReturnSnapshot,
    shipmentIds: Type.Array(Type.String()),
  }),
  // The sync engine about itself (subject: the subscription id)
  'subscription.disabled': Type.Object({
    subscription: Type.Object({
      id: Type.String(),
      name: Type.String(),
      transport: Type.String(),
      url: Type.Union([Type.String(), Type.Null()]),
    }),
    reason: Type.String(),
    failingSince: Type.String({ format: 'date-time' }),
  }),
} as const;

export type EventType = keyof typeof EventCatalogue;
export type EventData<T extends EventType> = Static<(typeof EventCatalogue)[T]>;
export const EVENT_TYPE_PREFIX = 'com.ordersync.';
