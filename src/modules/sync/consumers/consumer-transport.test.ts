import { describe, expect, it } from 'vitest';
import { useMigratedTestDatabase } from '../../../../test/helpers/test-database.js';
import { inTransaction } from '../../../platform/db/transaction.js';
import { newId } from '../../../platform/ids.js';
import type { ConsumedEvent, EventConsumer } from '../../../platform/module.js';
import type { RelayEvent } from '../cloud-event.js';
import type { DeliveryTarget } from '../transports/transport.js';
import { ConsumerTransport } from './consumer-transport.js';

const target: DeliveryTarget = { subscriptionId: 'sub-1', transport: 'consumer', url: null, secrets: [] };

const eventOf = (subject: string): RelayEvent => ({
  id: newId(),
  source: '/ordersync',
  type: 'com.ordersync.shipment.shipped',
  subject,
  sequence: 1,
  time: new Date(),
  dataJson: '{}',
});

describe('in-process consumers given a batch', () => {
  const t = useMigratedTestDatabase();

  /** A consumer that calls out (counted per order) and whose call for `failing` fails the first time. */
  function callingOut(failing: string) {
    const calls = new Map<string, number>();
    let failed = false;
    const consumer: EventConsumer = {
      name: `calls-out-${newId()}`,
      eventTypes: ['shipment.shipped'],
      async handle(event: ConsumedEvent) {
        calls.set(event.subject, (calls.get(event.subject) ?? 0) + 1);
        if (event.subject === failing && !failed) {
          failed = true;
          throw new Error('the shop answered 503');
        }
      },
    };
    return { consumer, calls };
  }

  it('calls a consumer without handleBatch once for each event that went through, when a later one fails', async () => {
    const { consumer, calls } = callingOut('order-3');
    const transport = new ConsumerTransport(t().db, new Map([[target.subscriptionId, consumer]]));
    const events = ['order-1', 'order-2', 'order-3', 'order-4'].map(eventOf);

    await expect(transport.sendBatch(target, events)).rejects.toThrow(/503/);
    // the relay then sends them one at a time (deliver-round.ts)
    for (const e of events) await transport.send(target, e);

    expect(Object.fromEntries(calls)).toEqual({ 'order-1': 1, 'order-2': 1, 'order-3': 2, 'order-4': 1 });
  });

  it('gives a consumer with handleBatch the whole batch in one transaction, rolled back together', async () => {
    const batches: string[][] = [];
    let fail = true;
    const consumer: EventConsumer = {
      name: `batched-${newId()}`,
      eventTypes: ['shipment.shipped'],
      async handle() {
        throw new Error('not called for a batch');
      },
      async handleBatch(events: ConsumedEvent[]) {
        batches.push(events.map((e) => e.subject));
        if (fail) {
          fail = false;
          throw new Error('a write failed');
        }
      },
    };
    const transport = new ConsumerTransport(t().db, new Map([[target.subscriptionId, consumer]]));
    const events = ['order-a', 'order-b'].map(eventOf);

    await expect(transport.sendBatch(target, events)).rejects.toThrow(/a write failed/);
    await transport.sendBatch(target, events);
    await transport.sendBatch(target, events); // a repeat finds both in the inbox

    expect(batches).toEqual([
      ['order-a', 'order-b'],
      ['order-a', 'order-b'],
    ]);
  });

  it('inside fan-out: a batch per layer of one event per order, or one for a consumer taking orders whole; a repeat applies nothing', async () => {
    const calls: Record<string, string[][]> = { layered: [], whole: [] };
    const consumerOf = (kind: 'layered' | 'whole'): EventConsumer => ({
      name: `${kind}-${newId()}`,
      eventTypes: ['shipment.shipped'],
      async handle(event: ConsumedEvent) {
        calls[kind]!.push([event.subject]);
      },
      async handleBatch(events: readonly ConsumedEvent[]) {
        calls[kind]!.push(events.map((e) => e.subject));
      },
      wholeSubjects: kind === 'whole',
    });
    const transport = new ConsumerTransport(
      t().db,
      new Map([
        ['sub-layered', consumerOf('layered')],
        ['sub-whole', consumerOf('whole')],
      ]),
    );
    const events = ['order-a', 'order-b', 'order-a'].map(eventOf);
    const round = new Map([
      ['sub-layered', events],
      ['sub-whole', events],
    ]);

    await inTransaction(t().db, (trx) => transport.inline.sendWithin(trx, round));
    await inTransaction(t().db, (trx) => transport.inline.sendWithin(trx, round)); // the inbox has them all

    expect(calls).toEqual({
      layered: [['order-a', 'order-b'], ['order-a']],
      whole: [['order-a', 'order-b', 'order-a']],
    });
  });
});
