import type { ConsumedEvent, EventConsumer } from '../../platform/module.js';
import { isEventData } from '../sync/index.js';
import {
  createNotifications,
  createNotificationsFor,
  type NotificationCause,
} from './create-notifications.js';
import type { Kind } from './notification-kinds.js';

const KIND_OF_EVENT: Record<string, Kind> = {
  'order.placed': 'order_placed',
  'order.paid': 'order_paid',
  'shipment.shipped': 'order_shipped',
  'order.delivered': 'order_delivered',
  'order.cancelled': 'order_cancelled',
  'payment.refunded': 'refund_issued',
  'return.approved': 'return_approved',
  'return.received': 'return_received',
};

/** Which notification an event is, with what it tells beyond the order; null for none. */
export function causeOf(event: ConsumedEvent): NotificationCause | null {
  const base = { orderId: event.subject, occasion: event.id, sourceEventId: event.id };
  const d = event.data;
  switch (event.type) {
    case 'shipment.shipped': {
      if (!isEventData('shipment.shipped', d)) throw new Error('not a shipment.shipped payload');
      const { carrier, trackingNumber } = d.shipment;
      return { ...base, kind: 'order_shipped', extra: { shipment: { carrier, trackingNumber } } };
    }
    case 'shipment.status_changed': {
      if (!isEventData('shipment.status_changed', d))
        throw new Error('not a shipment.status_changed payload');
      if (d.shipment.status !== 'out_for_delivery') return null;
      const { carrier, trackingNumber } = d.shipment;
      return { ...base, kind: 'out_for_delivery', extra: { shipment: { carrier, trackingNumber } } };
    }
    case 'payment.refunded': {
      if (!isEventData('payment.refunded', d)) throw new Error('not a payment.refunded payload');
      return { ...base, kind: 'refund_issued', extra: { refund: { amount: d.amount } } };
    }
    case 'return.approved':
    case 'return.received': {
      if (!isEventData(event.type, d)) throw new Error(`not a ${event.type} payload`);
      const kind = KIND_OF_EVENT[event.type]!;
      return { ...base, kind, extra: { return: { type: d.return.type, reason: d.return.reason } } };
    }
    default: {
      const kind = KIND_OF_EVENT[event.type];
      return kind ? { ...base, kind } : null;
    }
  }
}

/**
 * Turns order events into notifications, in the consumer's transaction with its inbox row: each
 * event's messages are made exactly once. Contact data is read from the order, never from the event.
 */
export const notificationsConsumer: EventConsumer = {
  name: 'notifications',
  eventTypes: [...Object.keys(KIND_OF_EVENT), 'shipment.status_changed'],
  async handle(event, trx) {
    const cause = causeOf(event);
    if (cause) await createNotifications(trx, cause);
  },
  async handleBatch(events, trx) {
    const causes = events.map(causeOf).filter((c) => c !== null);
    await createNotificationsFor(trx, causes);
  },
  // each event's messages are made from the order as it is now, not from earlier messages
  wholeSubjects: true,
};
