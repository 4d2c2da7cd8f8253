/**
 * npm run bench:notify — order e-mails into a local SMTP server (the `smtp-server` package, in this
 * process) from `ordersync start` on PostgreSQL, relay and sender in the server's process (serve runs
 * notifications' sender loop when it runs the relay in process).
 *
 * 1. orders, notifications on: bench:orders's order load for BENCH_SECONDS with SMTP_URL set, then
 *    BENCH_NOTIFY_RATE orders/s for as long; each time the p99 from the order event's commit (the
 *    outbox row's time) to the SMTP server accepting its "order placed" e-mail.
 * 2. sending alone: every e-mail so far is due again at once (a resend of the lot, Message-IDs
 *    repeat); e-mails/s of the one server process and its CPU per e-mail.
 * 3. orders, notifications off: the same order load on a fresh database without SMTP_URL (the
 *    consumer still records each message, skipped).
 *
 *   BENCH_SECONDS (default 15)  BENCH_CONNECTIONS (default 16)  BENCH_SKUS (default 200)
 *   BENCH_NOTIFY_RATE (default 20): orders/s of the steady phase   BENCH_PORT (default 3932)
 */
import pg from 'pg';
import { Pool } from 'undici';
import { ADMIN_KEY, freshDatabase, percentile } from './lib/api.js';
import { cpuPer, cpuSnapshot } from './lib/cpu.js';
import { fmt, type LoadResult, runLoad } from './lib/load.js';
import { type Caller, okCaller, placeOrder, prepareCatalog } from './lib/order-load.js';
import { startServer } from './lib/server.js';
import { SmtpSink } from './lib/smtp-sink.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const SKUS = Number(process.env.BENCH_SKUS ?? 200);
const RATE = Number(process.env.BENCH_NOTIFY_RATE ?? 20);
// BENCH_PORT: another port when 3932 is taken (several benches on one machine).
const PORT = Number(process.env.BENCH_PORT ?? 3932);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, done: () => Promise<boolean> | boolean, timeoutMs = 300_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

/** The order load of bench:orders against a server started with `env`; `during` runs while it is up. */
async function ordersPhase(
  env: Record<string, string>,
  during: (
    db: pg.Client,
    server: { pid: number },
    load: LoadResult & { cpu: string },
    call: Caller,
    skus: string[],
  ) => Promise<void>,
) {
  const url = await freshDatabase('ordersync_bench_notify');
  const server = await startServer(
    {
      DATABASE_URL: url,
      ORDERSYNC_ADMIN_KEY: ADMIN_KEY,
      ORDER_PAYMENT_TIMEOUT: '1d',
      // orders are placed with the sandbox method, which DATABASE_URL turns off unless asked for
      PAYMENT_SANDBOX: 'true',
      SANDBOX_PAYMENT_SECRET: 'bench-sandbox-secret',
      ...env,
    },
    PORT,
  );
  const pool = new Pool(server.url, { connections: CONNECTIONS, pipelining: 1 });
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const call = okCaller(pool);
    const skus = await prepareCatalog(call, SKUS);
    const before = cpuSnapshot(server.pid);
    const load = await runLoad({
      concurrency: CONNECTIONS,
      durationMs: SECONDS * 1000,
      task: async () => {
        await placeOrder(call, skus);
      },
    });
    const measured = { ...load, cpu: cpuPer('order', before, cpuSnapshot(server.pid), load.completed) };
    for (const [message, n] of load.failures) console.log(`   failure ×${n}: ${message}`);
    await during(db, server, measured, call, skus);
    return measured;
  } finally {
    await db.end();
    await pool.close();
    await server.stop();
  }
}

const ordersLine = (label: string, r: LoadResult) =>
  `${label.padEnd(26)} ${fmt(r.perSecond).padStart(7)} orders/s   p50 ${fmt(r.p50).padStart(6)} ms   p99 ${fmt(r.p99).padStart(6)} ms   (${r.completed} ok, ${r.failed} failed)`;

console.log(
  `bench:notify — ${SECONDS} s of orders per phase, ${CONNECTIONS} connections, PostgreSQL, node ${process.version}`,
);
const smtp = await new SmtpSink().start();

/** Event commit → SMTP accepted for the e-mails of events committed since `since`, and where the time went. */
async function delays(db: pg.Client, since: Date, label: string) {
  const { rows } = await db.query<{ id: string; committed: Date; made: Date }>(
    `select n.id, o.time as committed, n.created_at as made
       from notifications n join outbox o on o.id = n.source_event_id
      where n.channel = 'email' and o.time >= $1`,
    [since],
  );
  await until(`${rows.length} e-mails`, () => rows.every((r) => smtp.acceptedAt.has(`<${r.id}@ordersync>`)));
  const sorted = (xs: number[]) => xs.sort((a, b) => a - b);
  const accepted = (id: string) => smtp.acceptedAt.get(`<${id}@ordersync>`)!;
  const total = sorted(rows.map((r) => accepted(r.id) - r.committed.getTime()));
  // Where the time went: relay + consumer (event → notification row), sender (row → SMTP 250).
  const made = sorted(rows.map((r) => r.made.getTime() - r.committed.getTime()));
  const sending = sorted(rows.map((r) => accepted(r.id) - r.made.getTime()));
  console.log(
    `event commit → SMTP accepted, ${label}: p50 ${fmt(percentile(total, 0.5))} ms   p99 ${fmt(percentile(total, 0.99))} ms   max ${fmt(total.at(-1) ?? Number.NaN)} ms   (${rows.length} e-mails; target p99 < 2000 ms)`,
  );
  console.log(
    `   of which event → notification made (relay, consumer): p99 ${fmt(percentile(made, 0.99))} ms; made → accepted (sender): p99 ${fmt(percentile(sending, 0.99))} ms`,
  );
  return rows.length;
}

const on = await ordersPhase(
  { SMTP_URL: smtp.url, NOTIFY_POLL_INTERVAL_MS: '100' },
  async (db, server, load, call, skus) => {
    console.log(ordersLine('orders, notifications on', load));
    console.log(`   ${load.cpu}`);
    await delays(db, new Date(0), `orders as fast as they go (CPU saturated)`);

    // The same at a steady RATE orders/s, below what the machine can do: the delay a shop would see.
    const since = new Date();
    const placing: Promise<unknown>[] = [];
    for (let i = 0; i < RATE * SECONDS; i++) {
      placing.push(placeOrder(call, skus));
      await sleep(1000 / RATE);
    }
    await Promise.all(placing);
    await delays(db, since, `a steady ${RATE} orders/s`);

    // Phase 2: the sender alone, on a backlog of every e-mail so far.
    const received = smtp.received;
    const before = cpuSnapshot(server.pid);
    const t0 = performance.now();
    const { rowCount } = await db.query(
      `update notifications set status = 'pending', next_attempt_at = now(), attempts = 0
        where channel = 'email' and status = 'sent'`,
    );
    await until('the resent e-mails', () => smtp.received >= received + (rowCount ?? 0));
    const seconds = (performance.now() - t0) / 1000;
    const sent = smtp.received - received;
    console.log(
      `sending alone: ${sent} e-mails in ${fmt(seconds)} s = ${fmt(sent / seconds)} e-mails/s from one process (target ≥ 100/s)`,
    );
    console.log(`   ${cpuPer('e-mail', before, cpuSnapshot(server.pid), sent)}`);
  },
);
await smtp.stop();

const off = await ordersPhase({}, async (_db, _server, load) => {
  console.log(ordersLine('orders, notifications off', load));
  console.log(`   ${load.cpu}`);
});
const change = (on.perSecond / off.perSecond - 1) * 100;
console.log(
  `orders/s with notifications on vs off: ${change >= 0 ? '+' : ''}${fmt(change)}% (target within ±5%)`,
);
