import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createProduct, createWarehouse, setStock } from '../../../test/helpers/factories.js';
import {
  closeConnectionsNamed,
  deleteBrokerObjects,
  publishCommands,
  startConsumer,
} from '../../../test/helpers/rabbitmq.js';
import {
  AMQP_URL,
  createSubscription,
  expectAppliedInOrder,
  outboxEvents,
  quietLog,
  startRelay,
  testSyncConfig,
  uniq,
  waitFor,
  writeEvents,
} from '../../../test/helpers/sync.js';
import { useTestApp } from '../../../test/helpers/test-app.js';
import { commandHandlersOf, modules } from '../../modules.js';
import { newId } from '../../platform/ids.js';
import { CommandConsumer } from './inbound/command-consumer.js';
import { Brokers } from './transports/brokers.js';

// RabbitMQ on loopback, for real. Each file run gets its own exchange, command queue and connection
// names, so the PGlite and PostgreSQL runs of this file do not meet.
const tag = `ordersync-test-${uniq()}`;
const sync = testSyncConfig({
  amqpUrl: AMQP_URL,
  amqpExchange: `${tag}.events`,
  amqpCommandQueue: `${tag}.commands`,
  relayBatchSize: 25,
});

describe('RabbitMQ transport', () => {
  const t = useTestApp({ sync });
  const brokers = new Brokers(sync, quietLog, `${tag}-relay`);
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  afterAll(async () => {
    await brokers.close();
    await deleteBrokerObjects(AMQP_URL, { exchanges: [sync.amqpExchange], queues: [sync.amqpCommandQueue] });
  });

  async function consumer() {
    const c = await startConsumer(AMQP_URL, sync.amqpExchange, `${tag}-consumer`);
    cleanups.push(c.close);
    return c;
  }

  async function subscribe(eventTypes = ['*']) {
    const sub = await createSubscription(t(), { name: `amqp ${newId()}`, transport: 'amqp', eventTypes });
    cleanups.push(async () => {
      await t().request({ method: 'DELETE', url: `/v1/subscriptions/${sub.id}` });
    });
    return sub;
  }

  function relay() {
    const r = startRelay(t().db, sync, brokers.transports());
    cleanups.push(() => r.stop());
    return r;
  }

  it('publishes to a durable topic exchange: routing key = type, message-id = event id, cloudEvents: headers', async () => {
    const rx = await consumer();
    const sub = await subscribe(['order.*']);
    expect(sub.secret).toBeNull();
    relay();
    const subject = newId();
    await writeEvents(t().db, subject, 3);
    await waitFor(() => rx.messages.length === 3, { message: 'three messages' });
    const [event] = await outboxEvents(t(), [subject]);
    const first = rx.messages[0]!;
    expect(first).toMatchObject({
      routingKey: 'order.flagged',
      messageId: event!.id,
      headers: {
        'cloudEvents:specversion': '1.0',
        'cloudEvents:id': event!.id,
        'cloudEvents:type': 'com.ordersync.order.flagged',
        'cloudEvents:source': '/ordersync/orders',
        'cloudEvents:subject': subject,
        'cloudEvents:sequence': 1,
      },
      body: { reason: 'test', order: expect.objectContaining({ id: subject }) },
    });
    expect(first.properties).toMatchObject({
      deliveryMode: 2,
      contentType: 'application/json',
      appId: 'ordersync',
    });
    expect(rx.messages.map((m) => m.headers['cloudEvents:sequence'])).toEqual([1, 2, 3]);
  });

  it('reconnects when the broker closes its connections mid-stream; nothing lost, each order in sequence', async () => {
    const rx = await consumer();
    await subscribe();
    relay();
    await brokers.amqp!.waitUntilReady(5_000);
    const subjects = Array.from({ length: 10 }, () => newId());
    // Events keep coming until the broker has cut the relay off at least twice.
    let closed = 0;
    let rounds = 0;
    const writer = (async () => {
      while (rounds < 20 || closed < 2) {
        await Promise.all(subjects.map((s) => writeEvents(t().db, s, 1)));
        rounds++;
        await new Promise((r) => setTimeout(r, 15));
      }
    })();
    while (closed < 2) {
      await new Promise((r) => setTimeout(r, 150 + Math.random() * 250));
      closed += await closeConnectionsNamed(`${tag}-relay`);
      await brokers.amqp!.waitUntilReady(10_000);
    }
    await writer;
    const expected = await outboxEvents(t(), subjects);
    expect(expected).toHaveLength(rounds * subjects.length);
    await waitFor(
      () => {
        const got = new Set(rx.messages.map((m) => m.messageId));
        return expected.every((e) => got.has(e.id));
      },
      { timeoutMs: 30_000, message: 'every event on the queue' },
    );
    const applied = expectAppliedInOrder(
      rx.messages.map((m) => ({
        id: m.messageId,
        type: String(m.headers['cloudEvents:type']),
        subject: String(m.headers['cloudEvents:subject']),
        sequence: Number(m.headers['cloudEvents:sequence']),
        at: 0,
      })),
    );
    for (const s of subjects) expect(applied.get(s)).toEqual(Array.from({ length: rounds }, (_, i) => i + 1));
    // And the database agrees: every delivery was confirmed in the end, none was left behind.
    await waitFor(
      async () => {
        const open = await t()
          .db.selectFrom('deliveries')
          .select('id')
          .where('status', '<>', 'delivered')
          .execute();
        return open.length === 0;
      },
      { message: 'all deliveries delivered' },
    );
  }, 60_000);

  it('applies each command from the command queue once, and rejects what it cannot apply', async () => {
    const [item] = await createProduct(t(), [1999]);
    const wh = await createWarehouse(t());
    await setStock(t(), item!.sku, wh.code, 5);
    const consumerProcess = new CommandConsumer(
      t().db,
      brokers.amqp!,
      sync.amqpCommandQueue,
      commandHandlersOf(modules),
      quietLog,
    );
    await consumerProcess.start();
    cleanups.push(() => consumerProcess.stop());

    const count = (onHand: number, id: string) => ({
      content: { sku: item!.sku, warehouse: wh.code, onHand },
      properties: { messageId: id, type: 'inventory.stock_counted', appId: '/wms/test' },
    });
    await publishCommands(AMQP_URL, sync.amqpCommandQueue, [
      count(40, 'count-1'),
      count(40, 'count-1'), // the same message again: a WMS retry
      {
        content: { sku: 'NO-SUCH-SKU', warehouse: wh.code, onHand: 1 },
        properties: { messageId: 'count-2', type: 'inventory.stock_counted', appId: '/wms/test' },
      },
      {
        content: { anything: true },
        properties: { messageId: 'x-1', type: 'shipment.teleported', appId: '/wms/test' },
      },
      count(42, 'count-3'),
    ]);
    const inbox = await waitFor(
      async () => {
        const rows = await t()
          .db.selectFrom('inbox')
          .selectAll()
          .where('source', '=', '/wms/test')
          .orderBy('received_at')
          .execute();
        return rows.length === 4 ? rows : undefined;
      },
      { message: 'four inbox rows' },
    );
    expect(Object.fromEntries(inbox.map((r) => [r.message_id, r.status]))).toEqual({
      'count-1': 'applied',
      'count-2': 'rejected',
      'x-1': 'rejected',
      'count-3': 'applied',
    });
    expect(inbox.find((r) => r.message_id === 'x-1')?.error).toMatch(/Unknown command type/);
    const stock = await t().request({ method: 'GET', url: `/v1/inventory?sku=${item!.sku}` });
    expect(stock.json().data[0]).toMatchObject({ onHand: 42 });
    const adjustments = await t()
      .db.selectFrom('stock_adjustments')
      .select(['delta', 'actor'])
      .where('sku', '=', item!.sku)
      .orderBy('created_at')
      .execute();
    // 5 (set by the test) → 40 once, not twice → 42.
    expect(adjustments.map((a) => a.delta)).toEqual([5, 35, 2]);
    expect(adjustments[1]!.actor).toBe('inbox:/wms/test');
  });

  it('/readyz reports RabbitMQ, and an unreachable broker makes it not ready', async () => {
    const ready = await t().request({ method: 'GET', url: '/readyz', key: null });
    expect(ready.statusCode, ready.body).toBe(200);
    expect(ready.json().checks).toContainEqual({ name: 'rabbitmq', ok: true });
    const away = new Brokers({ ...sync, amqpUrl: 'amqp://guest:guest@127.0.0.1:1' }, quietLog, `${tag}-away`);
    try {
      const [check] = await away.readiness();
      expect(check).toMatchObject({ name: 'rabbitmq', ok: false, detail: expect.any(String) });
    } finally {
      await away.close();
    }
  });
});
