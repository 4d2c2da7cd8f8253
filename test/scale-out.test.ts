import { afterAll, describe, expect, it } from 'vitest';
import { buyBody, campaignBody } from './helpers/campaigns.js';
import { orderBody, reservedUnits, stockedSku } from './helpers/factories.js';
import { deleteBrokerObjects } from './helpers/rabbitmq.js';
import { startRedisServer } from './helpers/redis-server.js';
import { AMQP_URL, createSubscription, outboxEvents, startReceiver, uniq, waitFor } from './helpers/sync.js';
import { useTestApp } from './helpers/test-app.js';
import { schemaUrl, WorkerProcess } from './helpers/worker-process.js';

const onPglite = (process.env.TEST_DB ?? 'pglite') === 'pglite';

const UNITS = 30; // K
const BUYERS = 200;
const NORMAL_ORDERS = 40;
const PAYMENT_TIMEOUT_S = 8; // long enough to pay under load, short for the test

interface Answer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers of many shapes
  json: any;
}

/** A client of one API process over real HTTP. */
function client(base: string, key: string) {
  return async (method: string, path: string, body?: unknown): Promise<Answer> => {
    const res = await fetch(base + path, {
      method,
      headers: {
        authorization: `Bearer ${key}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : undefined };
  };
}
type Client = ReturnType<typeof client>;

/**
 * The scale-out acceptance: two API processes (`ordersync serve`, RELAY_IN_PROCESS=false) and
 * two workers (`ordersync worker`) against one PostgreSQL schema, one Redis and one RabbitMQ, through a
 * flash sale (buyers split across both APIs, a third of them through the RabbitMQ intake) and a stream
 * of normal orders, half of them left unpaid. Every process runs the scheduler.
 */
describe.skipIf(onPglite)(
  'scale-out (2 API processes + 2 workers; PostgreSQL only: PGlite cannot be shared by processes)',
  () => {
    const t = useTestApp();
    const fleet: WorkerProcess[] = [];
    const closers: Array<() => Promise<void>> = [];
    afterAll(async () => {
      await Promise.all(fleet.splice(0).map((p) => p.stop()));
      for (const close of closers.splice(0).reverse()) await close().catch(() => {});
    });

    it('sells exactly K, delivers every event once and in order, cancels each unpaid order once', async () => {
      const u = uniq();
      const broker = {
        exchange: `test.scale.${u}`,
        commands: `test.scale.commands.${u}`,
        intake: `test.scale.intake.${u}`,
      };
      const redis = await startRedisServer();
      closers.push(() => redis.stop());
      closers.push(() =>
        deleteBrokerObjects(AMQP_URL, {
          queues: [broker.commands, broker.intake],
          exchanges: [broker.exchange],
        }),
      );
      let secret: string | undefined;
      const rx = await startReceiver({ secret: () => secret });
      closers.push(rx.close);
      secret = (
        await createSubscription(t(), {
          name: 'scale-out',
          transport: 'webhook',
          url: rx.url,
          eventTypes: ['*'],
        })
      ).secret!;
      const flashItem = await stockedSku(t(), 100);
      const normalItem = await stockedSku(t(), 1000);

      const env = {
        DATABASE_URL: schemaUrl(t().database.schema),
        DATABASE_POOL_SIZE: '4',
        REDIS_URL: redis.url,
        AMQP_URL,
        AMQP_EXCHANGE: broker.exchange,
        AMQP_COMMAND_QUEUE: broker.commands,
        INTAKE: 'amqp',
        AMQP_INTAKE_QUEUE: broker.intake,
        RELAY_IN_PROCESS: 'false',
        RELAY_POLL_INTERVAL_MS: '20',
        RELAY_RETRY_SCALE: '0.00001',
        ORDER_PAYMENT_TIMEOUT: String(PAYMENT_TIMEOUT_S),
        SCHEDULER_INTERVAL_MS: '250',
        RATE_LIMIT_PER_KEY: '0',
        RATE_LIMIT_PER_ADDRESS: '0',
        PAYMENT_SANDBOX: 'true',
        SANDBOX_PAYMENT_SECRET: 'scale-out-sandbox-secret',
        PORT: '0',
      };
      const apis = [new WorkerProcess(env, 'serve'), new WorkerProcess(env, 'serve')];
      fleet.push(...apis, new WorkerProcess(env), new WorkerProcess(env));
      await Promise.all(fleet.map((p) => p.start()));
      const [a, b] = apis.map((p) => client(p.url!, t().adminKey)) as [Client, Client];
      for (const api of [a, b]) {
        await waitFor(async () => (await api('GET', '/v1/campaigns/intake')).status === 200, {
          message: 'the API processes to reach RabbitMQ',
        });
      }

      // The flash sale: every buyer at once, alternating APIs; every third through the queued intake.
      // Cash on delivery, so the sale's orders are not the ones the payment timeout cancels.
      const created = await a('POST', '/v1/campaigns', campaignBody(flashItem.sku, UNITS));
      expect(created.status, JSON.stringify(created.json)).toBe(201);
      const campaignId = created.json.id as string;
      const sale = Promise.all(
        Array.from({ length: BUYERS }, async (_, i) => {
          const queued = i % 3 === 0;
          const answer = await (i % 2 ? b : a)(
            'POST',
            `/v1/campaigns/${campaignId}/orders${queued ? '?queued=true' : ''}`,
            buyBody(`${u}-${i}`, 'cod'),
          );
          return { queued, ...answer };
        }),
      );

      // Meanwhile, normal orders four at a time on both APIs; two of every four paid (through the other
      // API), two left unpaid for the timeout.
      const stream = (async () => {
        const orders: Array<{ id: string; paid: boolean }> = [];
        for (let i = 0; i < NORMAL_ORDERS; i += 4) {
          const batch = await Promise.all(
            [0, 1, 2, 3].map(async (j) => {
              const [api, other] = j % 2 ? [b, a] : [a, b];
              const placed = await api(
                'POST',
                '/v1/orders',
                orderBody([{ sku: normalItem.sku, quantity: 1 }]),
              );
              expect(placed.status, JSON.stringify(placed.json)).toBe(201);
              const id = placed.json.id as string;
              const paid = j < 2;
              if (paid) {
                const payment = await other('POST', `/v1/orders/${id}/payments`, { provider: 'sandbox' });
                expect(payment.status, JSON.stringify(payment.json)).toBe(201);
                const done = await api('POST', `/v1/payments/${payment.json.id}/pay`);
                expect(done.json.status, JSON.stringify(done.json)).toBe('paid');
              }
              return { id, paid };
            }),
          );
          orders.push(...batch);
        }
        return orders;
      })();
      const [answers, normal] = await Promise.all([sale, stream]);

      // Exactly K sold: direct 201s plus placed tickets, and the database agrees.
      for (const r of answers) {
        const expected = r.queued ? [202, 409] : [201, 409];
        expect(expected, JSON.stringify(r.json)).toContain(r.status);
        if (r.status === 409) expect(r.json.code).toBe('sold_out');
      }
      const direct = answers.filter((r) => r.status === 201).map((r) => r.json.id as string);
      const tickets = await Promise.all(
        answers
          .filter((r) => r.status === 202)
          .map((r, i) =>
            waitFor(
              async () => {
                const ticket = (await (i % 2 ? a : b)('GET', `/v1/tickets/${r.json.id}`)).json;
                return ticket.status === 'queued' ? undefined : ticket;
              },
              { timeoutMs: 20_000, message: `ticket ${r.json.id}` },
            ),
          ),
      );
      const fromTickets = tickets.filter((x) => x.status === 'placed').map((x) => x.orderId as string);
      for (const x of tickets.filter((x) => x.status === 'failed')) expect(x.problem.code).toBe('sold_out');
      expect(direct.length).toBeGreaterThan(0);
      expect(fromTickets.length).toBeGreaterThan(0); // the RabbitMQ intake did place orders
      expect(direct.length + fromTickets.length).toBe(UNITS);
      expect(new Set([...direct, ...fromTickets]).size).toBe(UNITS);
      expect((await b('GET', `/v1/campaigns/${campaignId}`)).json).toMatchObject({
        sold: UNITS,
        remaining: 0,
      });
      expect(await reservedUnits(t(), flashItem.sku)).toEqual({ reserved: UNITS, onHand: 100 });

      // Each unpaid order cancelled by a scheduler, once, in one of the four processes.
      const unpaid = normal.filter((o) => !o.paid).map((o) => o.id);
      const paid = normal.filter((o) => o.paid).map((o) => o.id);
      const statuses = async (ids: string[]) =>
        (await t().db.selectFrom('orders').select('status').where('id', 'in', ids).execute()).map(
          (r) => r.status,
        );
      await waitFor(async () => (await statuses(unpaid)).every((s) => s === 'cancelled'), {
        timeoutMs: PAYMENT_TIMEOUT_S * 1000 + 15_000,
        message: 'the unpaid orders to be cancelled',
      });
      expect(await statuses(paid)).toEqual(paid.map(() => 'paid'));
      expect(await reservedUnits(t(), normalItem.sku)).toEqual({ reserved: paid.length, onHand: 1000 });
      const cancellations = await t()
        .db.selectFrom('outbox')
        .select(['subject', 'data'])
        .where('type', '=', 'com.ordersync.order.cancelled')
        .where('subject', 'in', [...unpaid, ...paid, ...direct, ...fromTickets])
        .execute();
      expect(cancellations.map((c) => c.subject).sort()).toEqual([...unpaid].sort());
      for (const c of cancellations) expect((c.data as { reason: string }).reason).toBe('payment_timeout');

      // Every order's events reach the receiver exactly once, each order's in sequence order.
      const subjects = [...direct, ...fromTickets, ...normal.map((o) => o.id)];
      const expected = await outboxEvents(t(), subjects);
      const missing = () => {
        const got = new Set(rx.received.map((e) => e.id));
        return expected.filter((e) => !got.has(e.id)).length;
      };
      await waitFor(() => missing() === 0, { timeoutMs: 20_000, message: 'every event delivered' }).catch(
        (error) => {
          throw new Error(`${(error as Error).message}: ${missing()} of ${expected.length} missing`);
        },
      );
      await new Promise((r) => setTimeout(r, 500)); // room for a duplicate to show up
      const ours = rx.received.filter((e) => subjects.includes(e.subject));
      expect(ours).toHaveLength(expected.length);
      expect(new Set(ours.map((e) => e.id)).size).toBe(expected.length);
      const arrived = new Map<string, number[]>();
      for (const e of ours) arrived.set(e.subject, [...(arrived.get(e.subject) ?? []), e.sequence]);
      const counts = new Map<string, number>();
      for (const e of expected) counts.set(e.subject, (counts.get(e.subject) ?? 0) + 1);
      for (const [subject, n] of counts) {
        expect(arrived.get(subject), subject).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      }
      expect(rx.badSignatures()).toBe(0);
    }, 90_000);
  },
);
