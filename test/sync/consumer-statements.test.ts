import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { address } from '../../bench/lib/order-load.js';
import { registerConsumers } from '../../src/modules/sync/index.js';
import { consumersOf, modules } from '../../src/modules.js';
import { createApiKey } from '../../src/platform/auth/api-keys.js';
import type { Db } from '../../src/platform/db/database.js';
import type { EventConsumer } from '../../src/platform/module.js';
import { countingApp, type StatementLog, stockedTeaSet } from '../helpers/statement-count.js';
import { startRelay, testSyncConfig, waitFor } from '../helpers/sync.js';

const ORDERS = 50;
/** Marks, in the log, the transaction a consumer's statements ran in (not counted as a statement). */
const MARK = '-- consumer ';
/** The drain probe's own statement, left out of the counts. */
const PROBE = 'select /* drain probe */';

/**
 * What the in-process consumers cost per placed order, counted (not timed): 50 orders placed through
 * the API as bench:orders places them (1–3 lines, a few returning buyers), then the relay drained, every
 * statement it and the consumers sent (BEGIN and COMMIT included) attributed to the consumer whose
 * transaction it was in, or to the relay (fan-out, claims, settling). The SQL is the same on
 * PostgreSQL, so this runs once, on an in-memory PGlite whose connection records what it is sent; PGlite
 * runs one transaction at a time, so a transaction's statements are contiguous in the log.
 */
describe.skipIf(process.env.TEST_DB === 'postgres')('statements of the order path with consumers', () => {
  let app: FastifyInstance;
  let db: Db;
  let log: StatementLog;
  let close: () => Promise<void>;
  let admin: string;

  beforeAll(async () => {
    ({ app, db, log, close } = await countingApp());
    admin = (await createApiKey(db, { name: 'admin', role: 'admin' })).key;
    await stockedTeaSet(
      call,
      Array.from({ length: 10 }, (_, i) => ({
        sku: `TEA-${i}`,
        title: `t${i}`,
        price: 1000 + i,
        currency: 'CNY',
      })),
      10_000,
    );
  });
  afterAll(async () => {
    await close?.();
  });

  async function call(method: 'POST' | 'PUT', url: string, payload?: object) {
    const res = await app.inject({ method, url, payload, headers: { authorization: `Bearer ${admin}` } });
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
    return res.json();
  }

  /** The app's consumers, each marking the transaction its statements run in. */
  const marked = (consumers: EventConsumer[]): EventConsumer[] =>
    consumers.map((c) => ({
      ...c,
      handle: (event, trx) => {
        log.statements.push(MARK + c.name);
        return c.handle(event, trx);
      },
      ...(c.handleBatch && {
        handleBatch: (events, trx) => {
          log.statements.push(MARK + c.name);
          return c.handleBatch!(events, trx);
        },
      }),
    }));

  /** Statements per transaction's consumer (or `relay`), from a log of contiguous transactions. */
  function attribute(statements: readonly string[]) {
    const by = new Map<string, number>();
    const transactions = new Map<string, number>();
    const add = (who: string, n: number) => by.set(who, (by.get(who) ?? 0) + n);
    let open: string[] | undefined;
    for (const s of statements) {
      if (s.startsWith(PROBE)) continue;
      const word = s.trimStart().slice(0, 8).toLowerCase();
      if (word.startsWith('begin')) open = [];
      if (!open) {
        add('relay', 1);
        continue;
      }
      open.push(s);
      if (word.startsWith('commit') || word.startsWith('rollback')) {
        const mark = open.find((x) => x.startsWith(MARK));
        const who = mark ? mark.slice(MARK.length) : 'relay';
        add(who, open.filter((x) => !x.startsWith(MARK)).length);
        transactions.set(who, (transactions.get(who) ?? 0) + 1);
        open = undefined;
      }
    }
    return { by, transactions };
  }

  it(`takes at most the target statements per placed order, consumers and relay included`, async () => {
    // Placed before the relay runs, so its rounds take them in batches as under load.
    log.reset();
    const placed: string[] = [];
    for (let i = 0; i < ORDERS; i++) {
      const lines = Array.from({ length: 1 + (i % 3) }, (_, k) => ({
        sku: `TEA-${(i + k) % 10}`,
        quantity: 1 + (k % 2),
      }));
      // every fifth order is a returning buyer: a match, not a new customer
      const email = i % 5 === 4 ? `buyer${i - 1}@example.com` : `buyer${i}@example.com`;
      const order = await call('POST', '/v1/orders', {
        customer: { email },
        lines,
        addresses: { home: address },
        paymentMethod: 'sandbox',
      });
      placed.push(order.id);
    }
    const placement = log.statements.length;

    log.reset();
    const transport = await registerConsumers(db, marked(consumersOf(modules, app.services)));
    log.reset(); // registering subscriptions is start-up, not per order
    const relay = startRelay(db, testSyncConfig({ relayPollIntervalMs: 60_000 }), { consumer: transport });
    try {
      await waitFor(
        async () => {
          const { rows } = await db.executeQuery<{ n: number }>({
            sql: `${PROBE} count(*)::int as n from deliveries d join subscriptions s on s.id = d.subscription_id
                  where s.transport = 'consumer' and d.status <> 'delivered'`,
            parameters: [],
            query: { kind: 'RawNode' } as never,
            queryId: { queryId: 'drain' } as never,
          });
          return rows[0]!.n === 0;
        },
        { timeoutMs: 60_000, intervalMs: 50, message: 'the consumers to drain' },
      );
    } finally {
      await relay.stop();
    }
    const { by, transactions } = attribute(log.statements);
    const consumed = [...by.values()].reduce((a, b) => a + b, 0);
    const perOrder = (n: number) => (n / ORDERS).toFixed(2);
    console.log(
      [
        `order path with in-process consumers, ${ORDERS} orders, statements per placed order:`,
        `  placement ${perOrder(placement)}`,
        ...[...by]
          .sort((a, b) => b[1] - a[1])
          .map(([who, n]) => `  ${who} ${perOrder(n)} (${n} in ${transactions.get(who) ?? 0} transactions)`),
        `  total ${perOrder(placement + consumed)}`,
      ].join('\n'),
    );
    // every order went through each consumer: matched, planned, recorded
    const linked = await db
      .selectFrom('customer_orders')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('order_id', 'in', placed)
      .executeTakeFirstOrThrow();
    expect(Number(linked.n)).toBe(ORDERS);
    expect((placement + consumed) / ORDERS).toBeLessThanOrEqual(TARGET);
  });
});

/**
 * Statements per placed order, placement included: 37 when every consumer took its events one by one
 * (handle), 6.8 with handleBatch (the relay's one round then holds all 50 orders).
 */
const TARGET = 8;
