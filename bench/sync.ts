/**
 * npm run bench:sync — the relay (`ordersync worker`, its own process) on PostgreSQL, per transport:
 *
 *   throughput  a backlog of BENCH_EVENTS events (default 20000) written while no relay runs; then a
 *               worker starts and drains it: events/s from the first receipt to the last
 *   latency     events committed at a fixed BENCH_RATE (default 1000/s) for BENCH_SECONDS (default 10),
 *               one event per transaction as orders write them: commit → receipt p50/p99
 *
 *   BENCH_TRANSPORTS (default webhook,amqp,nats)  BENCH_WORKERS (relay processes, default 1)
 *   BENCH_PG_ADMIN_URL  AMQP_URL  NATS_URL
 *
 * The producer and the receivers share this process (and the machine's 2 cores) with nothing else;
 * each event is its own order (subject), so a receipt is matched to its commit by subject.
 */
import pg from 'pg';
import { enqueue } from '../src/modules/sync/outbox.js';
import { createSubscription, setSubscriptionStatus } from '../src/modules/sync/subscriptions.service.js';
import { modules } from '../src/modules.js';
import { loadConfig } from '../src/platform/config.js';
import { connectDatabase } from '../src/platform/db/connect.js';
import type { Db } from '../src/platform/db/database.js';
import { migrateToLatest } from '../src/platform/db/migrate.js';
import { inTransaction } from '../src/platform/db/transaction.js';
import { newId } from '../src/platform/ids.js';
import { fmt } from './lib/load.js';
import { amqpReceiver, natsReceiver, type Receiver, webhookReceiver } from './lib/receivers.js';
import { startWorker } from './lib/worker.js';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 20_000);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 1);
const TRANSPORTS = (process.env.BENCH_TRANSPORTS ?? 'webhook,amqp,nats').split(',') as Array<
  'webhook' | 'amqp' | 'nats'
>;
const PG_ADMIN = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const EXCHANGE = 'ordersync.bench';

async function recreateDatabase(name: string): Promise<string> {
  const client = new pg.Client({ connectionString: PG_ADMIN });
  await client.connect();
  await client.query(`drop database if exists ${name} with (force)`);
  await client.query(`create database ${name}`);
  await client.end();
  const url = new URL(PG_ADMIN);
  url.pathname = `/${name}`;
  return url.toString();
}

const payload = (subject: string) => ({
  order: {
    id: subject,
    number: 'OS-BENCH',
    status: 'pending_payment',
    paymentStatus: 'unpaid',
    fulfillmentStatus: 'unfulfilled',
    channel: 'bench',
    currency: 'CNY',
    grandTotal: 12_900,
    paidTotal: 0,
    version: 1,
  },
  customer: { email: 'bench@example.com' },
  lines: [{ sku: 'BENCH-1', quantity: 1, unitPrice: 12_900 }],
  reservations: [{ sku: 'BENCH-1', warehouse: 'BENCH-WH', quantity: 1 }],
});

/** One order.placed event in its own transaction, the way placing an order writes it. */
async function writeOne(db: Db, subject: string): Promise<void> {
  await inTransaction(db, (trx) =>
    enqueue(trx, 'orders', subject, [{ type: 'order.placed', data: payload(subject) }]),
  );
}

async function waitUntil(done: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = performance.now() + timeoutMs;
  while (!done() && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return done();
}

const pct = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? Number.NaN;

async function receiverFor(transport: 'webhook' | 'amqp' | 'nats', stream: string) {
  if (transport === 'webhook') return webhookReceiver();
  if (transport === 'amqp') return { ...(await amqpReceiver(AMQP_URL, EXCHANGE)), url: undefined };
  return { ...(await natsReceiver(NATS_URL, stream)), url: undefined };
}

async function benchTransport(transport: 'webhook' | 'amqp' | 'nats') {
  const databaseUrl = await recreateDatabase('ordersync_bench_sync');
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    AMQP_URL,
    NATS_URL,
    AMQP_EXCHANGE: EXCHANGE,
    LOG_LEVEL: 'warn',
    // The receiver listens on loopback, which webhooks refuse unless named.
    WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
  });
  const handle = await connectDatabase({ databaseUrl, poolSize: 16 });
  await migrateToLatest(handle.db, modules);
  const rx: Receiver & { url?: string | undefined } = await receiverFor(transport, config.sync.natsStream);
  const sub = await createSubscription(handle.db, config.sync, {
    name: `bench ${transport}`,
    transport,
    ...(rx.url ? { url: rx.url } : {}),
    eventTypes: ['*'],
  });
  const workerEnv = {
    DATABASE_URL: databaseUrl,
    AMQP_URL,
    NATS_URL,
    AMQP_EXCHANGE: EXCHANGE,
    SCHEDULER_INTERVAL_MS: '3600000',
    WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
  };

  // Throughput: a backlog written with no relay running, 100 events per transaction.
  const backlog: string[] = [];
  for (let i = 0; i < EVENTS; i += 100) {
    const subjects = Array.from({ length: Math.min(100, EVENTS - i) }, () => newId());
    backlog.push(...subjects);
    await inTransaction(handle.db, async (trx) => {
      for (const s of subjects) await enqueue(trx, 'orders', s, [{ type: 'order.placed', data: payload(s) }]);
    });
  }
  const workers = await Promise.all(Array.from({ length: WORKERS }, () => startWorker(workerEnv)));
  await waitUntil(() => backlog.every((s) => rx.arrivals.has(s)), 120_000);
  const times = backlog.map((s) => rx.arrivals.get(s)).filter((t): t is number => t !== undefined);
  const drainSeconds = (Math.max(...times) - Math.min(...times)) / 1000;
  const throughput = {
    events: times.length,
    perSecond: times.length / drainSeconds,
    lost: EVENTS - times.length,
  };

  // Latency at a fixed offered rate: RATE one-event transactions per second, paced every few ms.
  const commits = new Map<string, number>();
  const started = performance.now();
  let issued = 0;
  const inFlight = new Set<Promise<void>>();
  while (performance.now() - started < SECONDS * 1000) {
    const due = Math.floor(((performance.now() - started) / 1000) * RATE) - issued;
    for (let i = 0; i < due; i++) {
      const subject = newId();
      issued++;
      const p: Promise<void> = writeOne(handle.db, subject).then(() => {
        commits.set(subject, performance.now());
        inFlight.delete(p);
      });
      inFlight.add(p);
    }
    await new Promise((r) => setTimeout(r, 4));
  }
  await Promise.all(inFlight);
  const offered = issued / ((performance.now() - started) / 1000);
  await waitUntil(() => [...commits.keys()].every((s) => rx.arrivals.has(s)), 30_000);
  const latencies = [...commits]
    .map(([s, committed]) => (rx.arrivals.get(s) ?? Number.NaN) - committed)
    .filter((l) => Number.isFinite(l))
    .sort((a, b) => a - b);
  const latency = {
    offered,
    p50: pct(latencies, 0.5),
    p99: pct(latencies, 0.99),
    max: latencies.at(-1) ?? Number.NaN,
    lost: commits.size - latencies.length,
  };

  const pending = await handle.db
    .selectFrom('deliveries')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '<>', 'delivered')
    .executeTakeFirstOrThrow();
  await setSubscriptionStatus(handle.db, sub.id, 'paused');
  await Promise.all(workers.map((w) => w.stop()));
  await rx.close();
  await handle.close();
  return { throughput, latency, undelivered: Number(pending.n) };
}

console.log(
  `bench:sync — ${EVENTS} events backlog; ${RATE}/s for ${SECONDS} s; relay: ${WORKERS} × ordersync worker on PostgreSQL; node ${process.version}`,
);
for (const transport of TRANSPORTS) {
  const r = await benchTransport(transport);
  console.log(
    `${transport.padEnd(8)} throughput ${fmt(r.throughput.perSecond, 0).padStart(7)} events/s (${r.throughput.events} drained, ${r.throughput.lost} lost)   ` +
      `at ${fmt(r.latency.offered, 0)}/s commit→receipt p50 ${fmt(r.latency.p50)} ms  p99 ${fmt(r.latency.p99)} ms  max ${fmt(r.latency.max)} ms  (${r.latency.lost} lost, ${r.undelivered} undelivered)`,
  );
}
process.exit(0);
