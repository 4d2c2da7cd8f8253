import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { address } from '../../bench/lib/order-load.js';
import { registerConsumers } from '../../src/modules/sync/index.js';
import { consumersOf, modules } from '../../src/modules.js';
import { createApiKey } from '../../src/platform/auth/api-keys.js';
import type { Db } from '../../src/platform/db/database.js';
import { countingApp, type StatementLog, stockedTeaSet } from '../helpers/statement-count.js';
import { startRelay, testSyncConfig, waitFor } from '../helpers/sync.js';

/** The drain probe's own statement, left out of the counts. */
const PROBE = 'select /* drain probe */';
const SKUS = 10;
const BATCH = 20;

/**
 * What a two-item guest checkout costs the database end to end, counted (not timed): the three requests
 * bench:checkout makes (cart with both lines, checkout opening the payment intent, the sandbox's pay) and then
 * everything the in-process relay and consumers do for the events they wrote (fan-out, claims, each
 * consumer's transaction with its inbox rows, settling), BEGIN and COMMIT included, for 20 checkouts
 * drained together (a busy shop: the relay's rounds and the consumers' batches hold many orders). On PGlite
 * and on PostgreSQL (TEST_DB=postgres), where the relay's connections run side by side.
 */
describe('statements of a guest checkout, relay and consumers included', () => {
  let app: FastifyInstance;
  let db: Db;
  let log: StatementLog;
  let close: () => Promise<void>;
  let admin: string;
  let storefront: string;
  let consumer: Awaited<ReturnType<typeof registerConsumers>>;

  beforeAll(async () => {
    ({ app, db, log, close } = await countingApp({ onTestDatabase: true }));
    admin = (await createApiKey(db, { name: 'admin', role: 'admin' })).key;
    storefront = (await createApiKey(db, { name: 'shop', role: 'storefront' })).key;
    await stockedTeaSet(
      caller(admin),
      Array.from({ length: SKUS }, (_, i) => ({
        sku: `TEA-${i}`,
        title: `t${i}`,
        price: 1000 + i,
        currency: 'CNY',
      })),
      10_000,
    );
    consumer = await registerConsumers(db, consumersOf(modules, app.services));
    await drain(); // the catalogue's stock events
  }, 120_000);
  afterAll(async () => {
    await close?.();
  });

  const caller = (key: string) => async (method: 'POST' | 'PUT', url: string, payload?: object) => {
    const res = await app.inject({ method, url, payload, headers: { authorization: `Bearer ${key}` } });
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
    return res.json();
  };

  /** As bench:checkout: a cart with two SKUs, checkout by a guest opening the intent, the provider's pay. */
  let n = 0;
  async function checkout() {
    const shop = caller(storefront);
    const i = n++;
    const items = [
      { sku: `TEA-${i % SKUS}`, quantity: 1 },
      { sku: `TEA-${(i + 1) % SKUS}`, quantity: 2 },
    ];
    const cart = await shop('POST', '/v1/carts', { items });
    const { payment } = await shop('POST', `/v1/carts/${cart.id}/checkout`, {
      customer: { email: `guest${i}@example.com` },
      addresses: { home: address },
      paymentMethod: 'sandbox',
      payment: {},
    });
    await caller(admin)('POST', `/v1/payments/${payment.id}/pay`);
  }

  /** Runs a relay until every event is fanned out and every consumer's delivery delivered, then stops it. */
  async function drain() {
    const relay = startRelay(db, testSyncConfig({ relayPollIntervalMs: 60_000 }), { consumer });
    try {
      await waitFor(
        async () => {
          const { rows } = await sql<{ pending: number; undelivered: number }>`${sql.raw(PROBE)}
            (select count(*) from outbox_pending)::int as pending, (select count(*)::int from deliveries d
              join subscriptions s on s.id = d.subscription_id
              where s.transport = 'consumer' and d.status <> 'delivered') as undelivered`.execute(db);
          const { pending, undelivered } = rows[0]!;
          // a consumer's own events (customer.created) may commit after the relay last looked: the
          // poll would find them; here a wake does, sooner
          if (pending > 0) relay.wake();
          return pending + undelivered === 0;
        },
        { timeoutMs: 60_000, intervalMs: 50, message: 'the relay and consumers to drain' },
      );
    } finally {
      await relay.stop();
    }
  }

  /** Statements per checkout: placing `count` of them and draining, probes left out. */
  async function perCheckout(count: number) {
    log.reset();
    for (let i = 0; i < count; i++) await checkout();
    const placement = log.statements.length;
    await drain();
    const all = log.statements.filter((s) => !s.startsWith(PROBE));
    if (process.env.SHOW_SQL)
      console.log(all.slice(placement).map((s) => s.replace(/\s+/g, ' ').trim().slice(0, 100)));
    const top = new Map<string, number>();
    for (const s of all.slice(placement)) {
      const key = s.replace(/\s+/g, ' ').trim().slice(0, 70);
      top.set(key, (top.get(key) ?? 0) + 1);
    }
    return {
      placement: placement / count,
      async: (all.length - placement) / count,
      total: all.length / count,
      top: [...top]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 12)
        .map(([k, v]) => `    ${(v / count).toFixed(2)}  ${k}`),
    };
  }

  it(`a busy shop: the relay and consumers take at most ${BUSY_TARGET} statements a checkout when ${BATCH} are drained together`, async () => {
    await checkout(); // warms the caches a running server holds
    await drain();
    const busy = await perCheckout(BATCH);
    console.log(
      `${process.env.TEST_DB ?? 'pglite'}: ${BATCH} checkouts drained together, per checkout: placement ${busy.placement}, relay and consumers ${busy.async.toFixed(2)}, total ${busy.total.toFixed(2)}\n${busy.top.join('\n')}`,
    );
    expect(busy.async).toBeLessThanOrEqual(BUSY_TARGET);
  }, 180_000);
});

/**
 * Statements of the relay and consumers per checkout (the placement's own 5, the checkout opening the
 * intent, are held by guest-checkout-statements.test.ts; its caches' time to live makes it 5–9 here:
 * 5.4 in a batch of 20, 8.4 before the paid callback went without a transaction). Main at c6489ac
 * took 106 alone and 11.75 in a batch of 20 on PGlite; per-batch analytics facts, one-statement settling
 * and feed sequencing took them to 97 and 6.40 (PostgreSQL, whose relay connections run side by side
 * and split rounds differently: 105 and 6.80). Consumers with handleBatch applied inside fan-out, with no
 * delivery rows: 5.05 on both, 1.00 of it a statement per new buyer's customer.created event. Those
 * events in one statement per batch, the customers consumer's other writes in one more, one inbox insert
 * per round for all inline consumers, notifications taking an order's events in one call and the inline
 * transaction's two locks in one statement: 3.05 on both. Alone, a checkout's events were nine consumer
 * transactions (analytics four, notifications two: one per event of the order). That count depends
 * on how the relay's rounds happen to split the events (113 in a CI run under load), so only the busy
 * shop's figure, steadied by 20 orders a round, is held to a target.
 */
const BUSY_TARGET = 3.5;
