import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Relay, registerConsumers } from '../../src/modules/sync/index.js';
import { consumersOf, modules } from '../../src/modules.js';
import { orderBody, stockedSku } from '../helpers/factories.js';
import { startRelay, testSyncConfig, waitFor, withSync } from '../helpers/sync.js';
import { type TestApp, useTestApp } from '../helpers/test-app.js';
import { schemaUrl, WorkerProcess } from '../helpers/worker-process.js';
import {
  orderLogConsumer,
  orderLogModule,
  readOrderLog,
  refuseOrder,
  stopRefusing,
} from './order-log-module.js';

const onPostgres = process.env.TEST_DB === 'postgres';
const list = [...modules, orderLogModule];
const LEASE_MS = 1_500;

/** Every order.* event of these orders in the outbox, per order in sequence order. */
async function orderEvents(t: TestApp, subjects: string[]) {
  const rows = await t.db
    .selectFrom('outbox')
    .select(['id', 'subject', 'sequence', 'type'])
    .where('subject', 'in', subjects)
    .where('type', 'like', 'com.ordersync.order.%')
    .orderBy('subject')
    .orderBy('sequence')
    .execute();
  return rows;
}

/** What the consumer applied, per subject in the order it applied it, against the outbox. */
async function expectExactlyOnceInOrder(t: TestApp, consumer: string, subjects: string[]) {
  const expected = await orderEvents(t, subjects);
  const log = (await readOrderLog(t.db, consumer)).filter((r) => subjects.includes(r.subject));
  const ids = log.map((r) => r.event_id);
  expect(new Set(ids).size, 'no event applied twice').toBe(ids.length);
  const applied = new Map<string, string[]>();
  for (const r of log) applied.set(r.subject, [...(applied.get(r.subject) ?? []), r.event_id]);
  const wanted = new Map<string, string[]>();
  for (const e of expected) wanted.set(e.subject, [...(wanted.get(e.subject) ?? []), e.id]);
  expect(applied).toEqual(wanted);
}

const logged = async (t: TestApp, consumer: string, subjects: string[]) =>
  (await readOrderLog(t.db, consumer)).filter((r) => subjects.includes(r.subject)).length;

describe('a module plugged in from the test suite (migration, route, in-process consumer)', () => {
  const t = useTestApp(withSync({ relayLeaseMs: LEASE_MS }), { modules: list });
  let relay: Relay | undefined;
  const workers: WorkerProcess[] = [];
  let sku: string;

  beforeAll(async () => {
    sku = (await stockedSku(t(), 10_000)).sku;
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop()));
    await relay?.stop();
    relay = undefined;
  });
  afterAll(async () => {
    await relay?.stop();
  });

  async function startConsumers(consumers = consumersOf(list, t().app.services)) {
    const transport = await registerConsumers(t().db, consumers);
    relay = startRelay(t().db, testSyncConfig({ relayLeaseMs: LEASE_MS }), { consumer: transport });
  }

  function moduleWorker(): WorkerProcess {
    const w = new WorkerProcess(
      {
        DATABASE_URL: schemaUrl(t().database.schema),
        DATABASE_POOL_SIZE: '4',
        RELAY_POLL_INTERVAL_MS: '20',
        RELAY_LEASE_MS: String(LEASE_MS),
        RELAY_RETRY_SCALE: '0.00001',
        RELAY_BATCH_SIZE: '50',
        SCHEDULER_INTERVAL_MS: '3600000',
      },
      'worker',
      undefined,
      fileURLToPath(new URL('./module-worker.ts', import.meta.url)),
    );
    workers.push(w);
    return w;
  }

  async function placeOrders(n: number): Promise<string[]> {
    const placed = await Promise.all(
      Array.from({ length: n }, () =>
        t().request({ method: 'POST', url: '/v1/orders', payload: orderBody([{ sku, quantity: 1 }]) }),
      ),
    );
    return placed.map((res) => {
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    });
  }

  async function cancelOrders(ids: string[]): Promise<void> {
    const cancelled = await Promise.all(
      ids.map((id) => t().request({ method: 'POST', url: `/v1/orders/${id}/cancel`, payload: {} })),
    );
    for (const res of cancelled) expect(res.statusCode, res.body).toBe(200);
  }

  /** The refused order accepted again and its dead letter retried: both its events arrive, all in order. */
  async function retryRefused(consumer: string, deadLetter: string, refused: string, others: string[]) {
    await stopRefusing(t().db, refused);
    const retried = await t().request({
      method: 'POST',
      url: `/v1/deliveries/${deadLetter}/retry`,
      payload: {},
    });
    expect(retried.statusCode, retried.body).toBe(200);
    await waitFor(async () => (await logged(t(), consumer, [refused])) === 2, {
      message: 'the refused order',
    });
    await expectExactlyOnceInOrder(t(), consumer, [refused, ...others]);
  }

  it(onPostgres
    ? 'gets every order.* event of 200 placed and cancelled orders once, in order, with a second relay process killed mid-stream'
    : 'gets every order.* event of 200 placed and cancelled orders once, in order', async () => {
    await startConsumers();
    const second = onPostgres ? moduleWorker() : undefined;
    await second?.start();

    const ids = await placeOrders(200);
    const cancelling = cancelOrders(ids);
    if (second) {
      // SIGKILL mid-stream: its leases stay held until they run out, then this process's relay
      // (or the restarted worker) sends those events again; the inbox keeps each applied once.
      await waitFor(async () => (await logged(t(), 'test-order-log', ids)) >= 100, { timeoutMs: 60_000 });
      await second.kill();
      await second.start();
    }
    await cancelling;

    const expected = (await orderEvents(t(), ids)).length;
    expect(expected).toBe(400);
    await waitFor(async () => (await logged(t(), 'test-order-log', ids)) >= expected, {
      timeoutMs: 90_000,
      message: `${expected} events logged`,
    });
    await expectExactlyOnceInOrder(t(), 'test-order-log', ids);

    // The module's own route serves its own table.
    const res = await t().request({ method: 'GET', url: `/v1/test/order-log/${ids[0]}` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().map((e: { type: string }) => e.type)).toEqual(['order.placed', 'order.cancelled']);
  }, 180_000);

  it('a consumer that throws on one order holds back that order only; retried from the dead letters, all arrive in order', async () => {
    const [refused, ...others] = await placeOrders(6);
    await refuseOrder(t().db, refused!);
    await startConsumers();
    await cancelOrders([refused!, ...others]);

    // The others flow on; the refused order's first event goes through its retries to the dead letters.
    await waitFor(async () => (await logged(t(), 'test-order-log', others)) === 10, {
      message: 'the others',
    });
    await expectExactlyOnceInOrder(t(), 'test-order-log', others);
    const consumerSubscription = (
      await t()
        .db.selectFrom('subscriptions')
        .select('id')
        .where('name', '=', 'test-order-log')
        .executeTakeFirstOrThrow()
    ).id;
    const dead = await waitFor(
      async () => {
        const res = await t().request({
          method: 'GET',
          url: `/v1/deliveries?status=dead&subscription=${consumerSubscription}&subject=${refused}`,
        });
        expect(res.statusCode, res.body).toBe(200);
        return res.json().data[0] as
          | { id: string; eventType: string; sequence: number; lastError: string }
          | undefined;
      },
      { message: 'a dead letter' },
    );
    expect(dead).toMatchObject({ eventType: 'com.ordersync.order.placed', sequence: 1 });
    expect(dead.lastError).toContain('refused by the test');
    expect(await logged(t(), 'test-order-log', [refused!])).toBe(0);

    await retryRefused('test-order-log', dead.id, refused!, others);
  });

  /** The consumer's deliveries of these orders (rows: inline ones have none) and its inbox rows. */
  async function recordsOf(consumer: string, subjects: string[]) {
    const deliveries = await t()
      .db.selectFrom('deliveries')
      .innerJoin('subscriptions', 'subscriptions.id', 'deliveries.subscription_id')
      .select(['deliveries.subject', 'deliveries.status'])
      .where('subscriptions.name', '=', consumer)
      .where('deliveries.subject', 'in', subjects)
      .execute();
    const events = (await orderEvents(t(), subjects)).map((e) => e.id);
    const inbox = await t()
      .db.selectFrom('inbox')
      .select('message_id')
      .where('source', '=', `consumer:${consumer}`)
      .where('message_id', 'in', events)
      .execute();
    return { deliveries, inbox: inbox.length };
  }

  it('a consumer whose work is all in the database (handleBatch) is applied inside fan-out: once each, in order, no delivery rows', async () => {
    const name = 'test-order-log-inline';
    // placed first, so the relay's rounds take them in batches (several events of one order in one)
    const ids = await placeOrders(30);
    await cancelOrders(ids);
    await startConsumers([orderLogConsumer(name, 'now', true)]);
    await waitFor(async () => (await logged(t(), name, ids)) === 60, { message: 'the inline consumer' });
    await expectExactlyOnceInOrder(t(), name, ids);
    const records = await recordsOf(name, ids);
    expect(records.deliveries).toEqual([]);
    // each event recorded in its inbox: a replay of the subscription is turned away there
    expect(records.inbox).toBe(60);
  });

  it('an inline consumer that throws on one order: that order waits as deliveries (dead letter, retry), the others flow; all once, in order', async () => {
    const name = 'test-order-log-inline-refusing';
    const [refused, ...others] = await placeOrders(6);
    await refuseOrder(t().db, refused!);
    await startConsumers([orderLogConsumer(name, 'now', true)]);
    await cancelOrders([refused!, ...others]);

    await waitFor(async () => (await logged(t(), name, others)) === 10, { message: 'the others' });
    const dead = await waitFor(
      () =>
        t()
          .db.selectFrom('deliveries')
          .innerJoin('subscriptions', 'subscriptions.id', 'deliveries.subscription_id')
          .select(['deliveries.id', 'deliveries.event_type', 'deliveries.last_error'])
          .where('subscriptions.name', '=', name)
          .where('deliveries.subject', '=', refused!)
          .where('deliveries.status', '=', 'dead')
          .executeTakeFirst(),
      { message: 'a dead letter' },
    );
    expect(dead).toMatchObject({ event_type: 'com.ordersync.order.placed' });
    expect(dead.last_error).toContain('refused by the test');
    // the refused order's later event waits behind it as a delivery, not inline
    const waiting = await recordsOf(name, [refused!]);
    expect(waiting.deliveries.map((d) => d.status).sort()).toEqual(['dead', 'pending']);
    expect(await logged(t(), name, [refused!])).toBe(0);

    await retryRefused(name, dead.id, refused!, others);
  });

  it('a consumer added later starts from the beginning of the feed (backfill)', async () => {
    const before = await placeOrders(3);
    await startConsumers([orderLogConsumer('test-order-log-late', 'beginning')]);
    const after = await placeOrders(2);
    const all = [...before, ...after];
    await waitFor(async () => (await logged(t(), 'test-order-log-late', all)) === 5, { message: 'backfill' });
    await expectExactlyOnceInOrder(t(), 'test-order-log-late', all);
    // Everything the suite placed earlier came too.
    const earlier = await t()
      .db.selectFrom('outbox')
      .select('id')
      .where('type', 'like', 'com.ordersync.order.%')
      .execute();
    await waitFor(async () => (await readOrderLog(t().db, 'test-order-log-late')).length === earlier.length, {
      message: 'all past events',
    });
  });
});
