import { describe, expect, it } from 'vitest';
import type { EventData } from './event-catalogue.js';
import type { PendingEvent } from './outbox.js';

const order: EventData<'order.paid'>['order'] = {
  id: '0193a4f0-0000-7000-8000-000000000001',
  number: 'SO-1',
  status: 'shipped',
  paymentStatus: 'paid',
  fulfillmentStatus: 'fulfilled',
  channel: 'web',
  currency: 'CNY',
  grandTotal: 2599,
  paidTotal: 2599,
  version: 3,
};

// The checks are the compiler's (npm run typecheck): each @ts-expect-error must meet an error.
describe('an event written to the outbox', () => {
  it('carries the payload of its own type', () => {
    const events: PendingEvent[] = [
      { type: 'order.shipped', data: { order, shipmentId: '0193a4f0-0000-7000-8000-000000000002' } },
      // @ts-expect-error order.shipped carries the shipment id
      { type: 'order.shipped', data: { order } },
      // @ts-expect-error an order.cancelled payload is not an order.shipped one
      { type: 'order.shipped', data: { order, reason: 'buyer', released: [] } },
      // @ts-expect-error no such event type
      { type: 'order.teleported', data: { order } },
    ];
    expect(events.map((e) => e.type)).toEqual([
      'order.shipped',
      'order.shipped',
      'order.shipped',
      'order.teleported',
    ]);
  });
});
