/**
 * npm run bench:orders — order placement and the guest checkout flow over HTTP, on PostgreSQL and on
 * embedded PGlite, plus pgbench (TPC-B-like) on the same PostgreSQL for scale.
 *
 *   BENCH_SECONDS (default 15)  BENCH_CONNECTIONS (default 32)  BENCH_BACKENDS (default postgres,pglite)
 *   BENCH_API_PROCESSES (default 1; API_PROCESSES for the PostgreSQL server)
 *   BENCH_PHASES (default orders,guest; e.g. `orders` alone while profiling the server)
 *   BENCH_PORT (default 3931)  BENCH_DB (default ordersync_bench): another pair for a second bench at once
 *   BENCH_NOTIFICATIONS (e.g. `on,off` or `on,off,on,off`): instead of the above, PostgreSQL's orders
 *     phase once per value in turn, each on a fresh database, everything else equal: `on` sends each
 *     order's e-mail to an SMTP server in this process and, after the phase, waits until every e-mail
 *     was accepted (and counts them); `off` runs the server with NOTIFICATIONS_ENABLED=false. Prints
 *     orders/s and CPU per order of each run, and on against off.
 *   BENCH_RELAY (default `in-process`): `worker` runs the relay, the in-process consumers and the
 *     notification sender in an `ordersync worker` beside the server (RELAY_IN_PROCESS=false there) at
 *     nice BENCH_WORKER_NICE (default 10, its WORKER_NICE); "server" CPU is then both processes'.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Pool } from 'undici';
import { ADMIN_KEY, freshDatabase } from './lib/api.js';
import { cpuPer, cpuSnapshot } from './lib/cpu.js';
import { fmt, type LoadResult, runLoad } from './lib/load.js';
import { address, okCaller, placeOrder, prepareCatalog, randomLines } from './lib/order-load.js';
import { pgbenchTps } from './lib/pgbench.js';
import { describeBacklog, relayBacklog } from './lib/relay-backlog.js';
import { startServer } from './lib/server.js';
import { SmtpSink } from './lib/smtp-sink.js';
import { startWorker } from './lib/worker.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const BACKENDS = (process.env.BENCH_BACKENDS ?? 'postgres,pglite').split(',');
const SKUS = Number(process.env.BENCH_SKUS ?? 200);
const NOTIFICATIONS = process.env.BENCH_NOTIFICATIONS?.split(',').filter(Boolean) ?? [];
const RELAY = process.env.BENCH_RELAY ?? 'in-process';
if (RELAY !== 'in-process' && RELAY !== 'worker') throw new Error('BENCH_RELAY: in-process or worker');
const PHASES = NOTIFICATIONS.length ? ['orders'] : (process.env.BENCH_PHASES ?? 'orders,guest').split(',');
if (NOTIFICATIONS.some((n) => n !== 'on' && n !== 'off'))
  throw new Error('BENCH_NOTIFICATIONS: a list of on and off, e.g. on,off');

/** A phase's load, and where the CPU went meanwhile (server, PostgreSQL, load generator). */
type Measured = LoadResult & { cpu: string };

interface Results {
  orders?: Measured;
  checkouts?: Measured;
}

/**
 * What runs against the server after the order phase, before it stops (the e-mails of
 * BENCH_NOTIFICATIONS=on); `cpuSince` gives the server's CPU per order from the phase's start.
 */
type AfterPhase = (databaseUrl: string, cpuSince: (count: number) => string) => Promise<void>;

async function benchBackend(
  backend: string,
  extraEnv: Record<string, string> = {},
  afterOrders?: AfterPhase,
): Promise<Results> {
  let env: Record<string, string>;
  let cleanup = () => {};
  if (backend === 'postgres') {
    // The server's own default pool (a few connections per core), not one per HTTP connection.
    env = {
      DATABASE_URL: await freshDatabase(process.env.BENCH_DB ?? 'ordersync_bench'),
      API_PROCESSES: process.env.BENCH_API_PROCESSES ?? '1',
      // the guest checkout pays through the sandbox, which DATABASE_URL turns off unless asked for
      PAYMENT_SANDBOX: 'true',
      SANDBOX_PAYMENT_SECRET: 'bench-sandbox-secret',
    };
  } else {
    const dir = mkdtempSync(path.join(tmpdir(), 'ordersync-bench-'));
    env = { DATA_DIR: dir };
    cleanup = () => rmSync(dir, { recursive: true, force: true });
  }
  const inWorker = RELAY === 'worker' && backend === 'postgres';
  if (inWorker) env.RELAY_IN_PROCESS = 'false';
  const server = await startServer(
    { ...env, ORDERSYNC_ADMIN_KEY: ADMIN_KEY, ORDER_PAYMENT_TIMEOUT: '1d', ...extraEnv },
    Number(process.env.BENCH_PORT ?? 3931),
  );
  // After the server, which migrates the fresh database; the same settings (a sender's channels).
  const worker = inWorker
    ? await startWorker({
        ...env,
        ...extraEnv,
        RELAY_IN_PROCESS: 'true',
        WORKER_NICE: process.env.BENCH_WORKER_NICE ?? '10',
      })
    : undefined;
  const pids = [server.pid, ...(worker ? [worker.pid] : [])];
  const pool = new Pool(server.url, { connections: CONNECTIONS, pipelining: 1 });
  const call = okCaller(pool);
  try {
    const skus = await prepareCatalog(call, SKUS);
    const phase = async (name: string, run: () => Promise<LoadResult>): Promise<Measured | undefined> => {
      if (!PHASES.includes(name)) return undefined;
      const before = cpuSnapshot(pids);
      const result = await run();
      const unit = name === 'orders' ? 'order' : 'checkout';
      let cpu = cpuPer(unit, before, cpuSnapshot(pids), result.completed);
      if (name === 'orders' && afterOrders)
        await afterOrders(env.DATABASE_URL!, (n) => cpuPer('order', before, cpuSnapshot(pids), n));
      else if (env.DATABASE_URL) {
        // What the relay and consumers had left when the load stopped, and the CPU with it done.
        const backlog = await relayBacklog(env.DATABASE_URL);
        cpu += `\n   ${describeBacklog(backlog)}; with its catch-up, ${cpuPer(unit, before, cpuSnapshot(pids), result.completed)}`;
      }
      return { ...result, cpu };
    };
    const orders = await phase('orders', () =>
      runLoad({
        concurrency: CONNECTIONS,
        durationMs: SECONDS * 1000,
        task: async () => {
          await placeOrder(call, skus);
        },
      }),
    );
    const checkouts = await phase('guest', () =>
      runLoad({
        concurrency: CONNECTIONS,
        durationMs: SECONDS * 1000,
        task: async () => {
          const cart = await call('POST', '/v1/carts', {});
          for (const line of randomLines(skus)) await call('POST', `/v1/carts/${cart.id}/items`, line);
          const order = await call('POST', `/v1/carts/${cart.id}/checkout`, {
            customer: { email: 'guest@example.com' },
            addresses: { home: address },
            paymentMethod: 'sandbox',
          });
          const payment = await call('POST', `/v1/orders/${order.id}/payments`, { provider: 'sandbox' });
          await call('POST', `/v1/payments/${payment.id}/pay`);
        },
      }),
    );
    return { orders, checkouts };
  } finally {
    await pool.close();
    await worker?.stop();
    await server.stop();
    cleanup();
  }
}

const line = (label: string, r: LoadResult, unit: string) =>
  `${label.padEnd(22)} ${fmt(r.perSecond).padStart(8)} ${unit}/s   p50 ${fmt(r.p50).padStart(6)} ms   p99 ${fmt(r.p99).padStart(6)} ms   (${r.completed} ok, ${r.failed} failed)`;

/**
 * BENCH_NOTIFICATIONS: the orders phase on PostgreSQL with notifications on and off in turn. With them
 * on, every placed order's "order placed" e-mail must reach the SMTP server: the bench waits for them
 * after the phase and says how long the backlog took and what the server's CPU per order was in all.
 */
async function notificationsOnOff(settings: string[]): Promise<void> {
  console.log(
    `bench:orders, notifications ${settings.join(' / ')} — PostgreSQL, relay ${RELAY === 'worker' ? `in an ordersync worker at nice ${process.env.BENCH_WORKER_NICE ?? '10'}` : 'in the API process'}, ${SECONDS} s per run, ${CONNECTIONS} connections, ${SKUS} SKUs, node ${process.version}`,
  );
  const runs: Record<string, number[]> = { on: [], off: [] };
  for (const setting of settings) {
    const smtp = setting === 'on' ? await new SmtpSink().start() : undefined;
    const env: Record<string, string> = smtp ? { SMTP_URL: smtp.url } : { NOTIFICATIONS_ENABLED: 'false' };
    let mails = '';
    const r = await benchBackend('postgres', env, async (url, cpuSince) => {
      if (!smtp) return;
      const db = new pg.Client({ connectionString: url });
      await db.connect();
      try {
        const t0 = performance.now();
        const count = async () =>
          (
            await db.query<{ made: number; sent: number }>(
              `select count(*)::int as made, count(*) filter (where status = 'sent')::int as sent
                 from notifications where channel = 'email'`,
            )
          ).rows[0]!;
        // Every order's event made into its e-mail, and every e-mail accepted by the SMTP server.
        const orders = Number((await db.query('select count(*) from orders')).rows[0].count);
        const deadline = Date.now() + 300_000;
        for (;;) {
          const { made, sent } = await count();
          if (made >= orders && sent === made && smtp.acceptedAt.size >= made) break;
          if (Date.now() > deadline)
            throw new Error(`e-mails: ${made} made, ${sent} sent of ${orders} orders`);
          await new Promise((done) => setTimeout(done, 100));
        }
        const { made } = await count();
        mails =
          `${made} e-mails for ${orders} orders, ${smtp.acceptedAt.size} distinct accepted by the SMTP server ` +
          `(${smtp.received} messages); the last ${fmt(performance.now() - t0)} ms after the phase\n` +
          `   until the last e-mail, ${cpuSince(orders)}`;
      } finally {
        await db.end();
      }
    });
    await smtp?.stop();
    const orders = r.orders!;
    runs[setting]!.push(orders.perSecond);
    console.log(`${line(`notifications ${setting}`, orders, 'orders')}\n   ${orders.cpu}`);
    if (mails) console.log(`   ${mails}`);
    for (const [message, n] of orders.failures) console.log(`   failure ×${n}: ${message}`);
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  if (runs.on!.length && runs.off!.length) {
    const change = (mean(runs.on!) / mean(runs.off!) - 1) * 100;
    console.log(
      `orders/s, notifications on against off (means of ${runs.on!.length} and ${runs.off!.length} runs): ${change >= 0 ? '+' : ''}${fmt(change)}% (target within 5%)`,
    );
  }
}

/** The phases of BENCH_PHASES on each of BENCH_BACKENDS, and pgbench on the same PostgreSQL. */
async function allBackends(): Promise<void> {
  console.log(
    `bench:orders — ${SECONDS} s per phase, ${CONNECTIONS} connections, ${SKUS} SKUs, node ${process.version}`,
  );
  const results: Record<string, Results> = {};
  for (const backend of BACKENDS) {
    const r = await benchBackend(backend);
    results[backend] = r;
    if (r.orders) console.log(`${line(`${backend} orders`, r.orders, 'orders')}\n   ${r.orders.cpu}`);
    if (r.checkouts)
      console.log(`${line(`${backend} guest flow`, r.checkouts, 'checkouts')}\n   ${r.checkouts.cpu}`);
    for (const [message, n] of [...(r.orders?.failures ?? []), ...(r.checkouts?.failures ?? [])]) {
      console.log(`   failure ×${n}: ${message}`);
    }
  }
  const postgresOrders = results.postgres?.orders;
  if (postgresOrders) {
    const tps = await pgbenchTps(CONNECTIONS, SECONDS);
    console.log(
      `pgbench TPC-B-like      ${fmt(tps)} tps (scale 10, ${CONNECTIONS} clients, same PostgreSQL)`,
    );
    console.log(`ratio orders/s ÷ pgbench tps: ${fmt(postgresOrders.perSecond / tps, 2)}`);
  }
}

await (NOTIFICATIONS.length ? notificationsOnOff(NOTIFICATIONS) : allBackends());
