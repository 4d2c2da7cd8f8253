import { type Static, Type } from 'typebox';
import { Compile, type Validator } from 'typebox/compile';

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

/** A claim as claim events carry it. */
const ClaimSnapshot = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  status: Type.String(),
  resolution: Type.Union([Type.String(), Type.Null()]),
  amount: Type.Union([Money, Type.Null()]),
  lines: Type.Array(Type.Object({ lineId: Type.String(), sku: Type.String(), quantity: Type.Integer() })),
});

/** A customer as customer events carry it (subject: the customer id). */
const CustomerSnapshot = Type.Object({
  id: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  email: Type.Union([Type.String(), Type.Null()]),
  phone: Type.Union([Type.String(), Type.Null()]),
  locale: Type.String(),
  timeZone: Type.Union([Type.String(), Type.Null()]),
  tags: Type.Array(Type.String()),
  version: Type.Integer(),
});
const SupportNote = Type.Object({
  id: Type.String(),
  author: Type.String(),
  body: Type.String(),
  orderId: Type.Union([Type.String(), Type.Null()]),
  customerId: Type.Union([Type.String(), Type.Null()]),
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
  /** An edit before shipment (order-edits): lines, addresses, shipping and totals before and after. */
  'order.edited': Type.Object({
    order: OrderSnapshot,
    edit: Type.Object({
      id: Type.String(),
      version: Type.Integer(),
      difference: Type.Integer(),
      refunded: Money,
      due: Money,
    }),
    before: Type.Record(Type.String(), Type.Unknown()),
    after: Type.Record(Type.String(), Type.Unknown()),
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
  'claim.opened': Type.Object({ order: OrderSnapshot, claim: ClaimSnapshot }),
  'claim.resolved': Type.Object({ order: OrderSnapshot, claim: ClaimSnapshot }),
  'claim.rejected': Type.Object({ order: OrderSnapshot, claim: ClaimSnapshot, note: Type.String() }),
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
  // Customers and customer service (issue 14); customer events have the customer id as subject
  'customer.created': Type.Object({ customer: CustomerSnapshot, orderId: Type.String() }),
  'customer.updated': Type.Object({ customer: CustomerSnapshot, changed: Type.Array(Type.String()) }),
  /** `customer` absorbed `mergedId`: its orders, identities, addresses and notes follow. */
  'customer.merged': Type.Object({
    customer: CustomerSnapshot,
    mergedId: Type.String(),
    orderIds: Type.Array(Type.String()),
  }),
  'customer.note_added': Type.Object({ customerId: Type.String(), note: SupportNote }),
  /**
   * A data subject request (#17), subject: the customer id. Ids only, never the customer's contact:
   * a connected system finds the customer and orders by the ids earlier events gave it, and does the
   * same (Shopify's customers/data_request and customers/redact).
   */
  'customer.data_requested': Type.Object({
    customerId: Type.String(),
    requestId: Type.String(),
    orderIds: Type.Array(Type.String()),
  }),
  /** The customer's personal data was erased here; connected systems should erase their copies. */
  'customer.redacted': Type.Object({
    customerId: Type.String(),
    requestId: Type.String(),
    orderIds: Type.Array(Type.String()),
  }),
  /** A support note on an order (subject: the order id), shown in its timeline. */
  'order.note_added': Type.Object({ order: OrderSnapshot, note: SupportNote }),
  /**
   * A stock level's sellable units changed (subject `stock:<sku>:<warehouse id>`), written by a trigger
   * on stock_levels in the changing transaction (inventory migration 20261205_1901).
   */
  'stock.level_changed': Type.Object({
    sku: Type.String(),
    warehouseId: Type.String(),
    onHand: Type.Integer(),
    reserved: Type.Integer(),
    safetyStock: Type.Integer(),
    sellable: Type.Integer(),
  }),
  /**
   * A batch of finished orders from an earlier system was loaded (load-history, a historical file
   * import); subject `history:<batch id>`. Not an order.* event: subscribers to orders hear nothing.
   */
  'history.orders_imported': Type.Object({ orderIds: Type.Array(Type.String()) }),
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

const compiled = new Map<EventType, Validator>();

/**
 * Whether `data` is a `type` event's payload. Consumers check every event they read, so each type's
 * schema is compiled once (TypeBox's Compile) rather than interpreted per event (Value.Check).
 */
export function isEventData<T extends EventType>(type: T, data: unknown): data is EventData<T> {
  let check = compiled.get(type);
  if (!check) {
    check = Compile(EventCatalogue[type]) as Validator;
    compiled.set(type, check);
  }
  return check.Check(data);
}
