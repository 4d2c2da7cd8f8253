/**
 * npm run bench:analytics — the analytics API on a year of synthetic orders, and what keeping its
 * rollups current costs order placement.
 *
 * 1. BENCH_ORDERS synthetic orders (default 1,000,000 on PostgreSQL, BENCH_PGLITE_ORDERS = 100,000 on
 *    PGlite) generated in SQL with seasonality, their analytics facts beside them; the rollups built by
 *    the same refresh job the scheduler runs (timed).
 * 2. Each report called BENCH_CALLS times (default 60) on random windows of 1, 30, 90 and 363 days
 *    (hour buckets: 7 and 31 days; stock cover: 28 and 90 days): p50/p95 per report and range, the
 *    CPU per call of the server and of this database's PostgreSQL backends (/proc), the answer's size.
 * 3. PostgreSQL only: order placement for BENCH_SECONDS (default 15) with BENCH_CONNECTIONS (32): with
 *    no relay; with an `ordersync worker` running the relay and the in-process consumers (its scheduler
 *    idle); and the same with the rollup refresh every second (run by this process, as the job runs
 *    it), so the last two differ by the refresh only; before each of the last two the worker catches
 *    up with the orders placed before it (and the rollups with them), so no phase pays for the one
 *    before. The refresher's own PostgreSQL backend's CPU per order placed is printed: what the
 *    refresh costs. Then how long the rollups take to catch up.
 *
 *   BENCH_PAID_SHARE (default 0): the share of the placement phases' orders paid at once in the sandbox
 *   (a sandbox order, its payment intent and the sandbox's pay, as bench:checkout does), the rest COD:
 *   a payment changes an order already rolled up, which the refresh then has to take in
 *   BENCH_BACKENDS (default postgres; add pglite for the endpoint figures on PGlite)
 *   BENCH_REUSE=1 runs steps 2 and 3 on the PostgreSQL database the last run loaded (migrated first)
 *   BENCH_PORT (default 3945) for the server; BENCH_DB (default ordersync_analytics_bench): another pair
 *   for a second run at once
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { Pool } from 'undici';
import { refreshAllRollups, refreshRollups } from '../src/modules/analytics/index.js';
import { modules } from '../src/modules.js';
import { connectDatabase } from '../src/platform/db/connect.js';
import type { Db } from '../src/platform/db/database.js';
import { migrateToLatest } from '../src/platform/db/migrate.js';
import { ADMIN_KEY, apiCaller, databaseUrl as databaseUrl_, freshDatabase, percentile } from './lib/api.js';
import { type CpuSnapshot, cpuPer, cpuSnapshot, postgresCpu, processCpuMs } from './lib/cpu.js';
import { fmt, type LoadResult, runLoad } from './lib/load.js';
import { startServer } from './lib/server.js';
import { generateSyntheticOrders } from './lib/synthetic-orders.js';
import { startWorker } from './lib/worker.js';

const BACKENDS = (process.env.BENCH_BACKENDS ?? 'postgres').split(',');
const ORDERS = {
  postgres: Number(process.env.BENCH_ORDERS ?? 1_000_000),
  pglite: Number(process.env.BENCH_PGLITE_ORDERS ?? 100_000),
};
const CALLS = Number(process.env.BENCH_CALLS ?? 60);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const PAID_SHARE = Number(process.env.BENCH_PAID_SHARE ?? 0);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
/** Its own port: bench:flash and bench:import listen on 3941, and a run beside them would call theirs. */
const PORT = Number(process.env.BENCH_PORT ?? 3945);
const END = new Date('2026-12-01T00:00:00Z');
const DAY = 86_400_000;
/** Its own database too, for the same reason (BENCH_REUSE=1 reads the one named here). */
const DB = process.env.BENCH_DB ?? 'ordersync_analytics_bench';
/** Names this run's catalog apart, so BENCH_REUSE=1 can place orders on a database placed on before. */
const RUN = Date.now().toString(36).slice(-5).toUpperCase();

const seconds = (t0: number) => ((performance.now() - t0) / 1000).toFixed(1);

/** Migrates, generates the orders and builds the rollups, in this process; the server opens it after. */
async function load(backend: 'postgres' | 'pglite', target: { databaseUrl?: string; dataDir?: string }) {
  const handle = await connectDatabase({
    databaseUrl: target.databaseUrl,
    dataDir: target.dataDir ? `${target.dataDir}/pglite` : undefined,
  });
  try {
    await migrateToLatest(handle.db, modules);
    let t0 = performance.now();
    const made = await generateSyntheticOrders(handle.db, ORDERS[backend], END);
    await sql`analyze`.execute(handle.db);
    console.log(`${backend}: ${made} synthetic orders generated in ${seconds(t0)} s`);
    t0 = performance.now();
    const hours = await refreshAllRollups(handle.db);
    await sql`analyze`.execute(handle.db);
    console.log(`${backend}: rollups of ${hours} hours built by the refresh job in ${seconds(t0)} s`);
  } finally {
    await handle.close();
  }
}

/** A random window of `days` days inside the generated year. */
function window(days: number) {
  const from = END.getTime() - 364 * DAY + Math.floor(Math.random() * (364 - days)) * DAY;
  return `from=${new Date(from).toISOString()}&to=${new Date(from + days * DAY).toISOString()}`;
}

/** Each report over a day, a month, a quarter and a year (the ranges a dashboard asks for). */
const RANGES: [string, number][] = [
  ['1 d', 1],
  ['30 d', 30],
  ['90 d', 90],
  ['1 y', 363],
];
const REPORTS: [string, (w: string) => string][] = [
  ['sales day', (w) => `/v1/analytics/sales?${w}&granularity=day`],
  [
    'sales day Shanghai by channel',
    (w) => `/v1/analytics/sales?${w}&granularity=day&tz=Asia/Shanghai&by=channel`,
  ],
  ['sales week by region', (w) => `/v1/analytics/sales?${w}&granularity=week&by=region`],
  ['sales month by category', (w) => `/v1/analytics/sales?${w}&granularity=month&by=category`],
  ['sales day by sku', (w) => `/v1/analytics/sales?${w}&granularity=day&by=sku`],
  ['funnel', (w) => `/v1/analytics/funnel?${w}`],
  ['lead times by carrier', (w) => `/v1/analytics/lead-times?${w}&by=carrier`],
  ['lead times by warehouse', (w) => `/v1/analytics/lead-times?${w}&by=warehouse`],
  ['payments', (w) => `/v1/analytics/payments?${w}`],
  ['returns by sku', (w) => `/v1/analytics/returns?${w}&by=sku`],
  ['returns by reason', (w) => `/v1/analytics/returns?${w}&by=reason`],
  ['stockouts', (w) => `/v1/analytics/stockouts?${w}`],
];
const ENDPOINTS: [string, () => string][] = [
  ['sales hour × 7 d', () => `/v1/analytics/sales?${window(7)}&granularity=hour`],
  ['sales hour × 31 d by region', () => `/v1/analytics/sales?${window(31)}&granularity=hour&by=region`],
  ...REPORTS.flatMap(([name, url]) =>
    RANGES.map(([label, days]): [string, () => string] => [`${name} × ${label}`, () => url(window(days))]),
  ),
  // the largest answer by SKU a caller may ask for (the default keeps 20 series, the rest as "other")
  [
    'sales day by sku, limit 200 × 1 y',
    () => `/v1/analytics/sales?${window(363)}&granularity=day&by=sku&limit=200`,
  ],
  ['stock cover 28 d', () => `/v1/analytics/stock?days=28&to=${new Date(END.getTime() - DAY).toISOString()}`],
  ['stock cover 90 d', () => `/v1/analytics/stock?days=90&to=${new Date(END.getTime() - DAY).toISOString()}`],
];

async function endpointLatencies(
  call: ReturnType<typeof apiCaller>,
  backend: string,
  cpu: () => CpuSnapshot,
) {
  for (const [name, url] of ENDPOINTS) {
    const ms: number[] = [];
    let bytes = 0;
    const before = cpu();
    for (let i = 0; i < CALLS; i++) {
      const res = await call('GET', url());
      if (res.status !== 200)
        throw new Error(`${name} → ${res.status} ${JSON.stringify(res.json).slice(0, 200)}`);
      ms.push(res.ms);
      bytes += res.bytes;
    }
    const after = cpu();
    ms.sort((a, b) => a - b);
    // CPU per call: on a loaded machine the latencies are mostly waiting for a core, the CPU is not
    const per = (key: 'server' | 'postgres') =>
      fmt((key === 'postgres' ? postgresCpu(before, after) : after.server - before.server) / CALLS).padStart(
        5,
      );
    console.log(
      `${backend} ${name.padEnd(44)} p50 ${fmt(percentile(ms, 0.5)).padStart(6)} ms   p95 ${fmt(percentile(ms, 0.95)).padStart(6)} ms   CPU/call server ${per('server')} ms, PostgreSQL ${per('postgres')} ms   ${fmt(bytes / CALLS / 1024).padStart(6)} KiB`,
    );
  }
}

/** 20 SKUs with unlimited stock in one warehouse, for the placement phases. */
async function prepareSkus(call: ReturnType<typeof apiCaller>): Promise<string[]> {
  const ok = async (method: 'POST' | 'PUT', url: string, body: unknown) => {
    const res = await call(method, url, body);
    if (res.status >= 300) throw new Error(`${url} → ${res.status} ${JSON.stringify(res.json)}`);
    return res.json;
  };
  const category = await ok('POST', '/v1/categories', {
    name: 'Bench',
    slug: `bench-analytics-${RUN.toLowerCase()}`,
    attributes: [],
  });
  const variants = Array.from({ length: 20 }, (_, i) => ({
    sku: `AB-${RUN}-${i}`,
    title: `v${i}`,
    price: 1990 + i,
    currency: 'CNY',
  }));
  await ok('POST', '/v1/products', {
    categoryId: category.id,
    title: 'Bench',
    status: 'active',
    attributes: {},
    variants,
  });
  const wh = await ok('POST', '/v1/warehouses', {
    code: `AB-${RUN}`,
    name: 'Bench',
    country: 'CN',
    region: 'Shanghai',
    priority: 1,
  });
  for (const v of variants) await ok('PUT', `/v1/inventory/${v.sku}/${wh.code}`, { onHand: 10_000_000 });
  return variants.map((v) => v.sku);
}

async function placeFor(call: ReturnType<typeof apiCaller>, skus: string[]): Promise<LoadResult> {
  return runLoad({
    concurrency: CONNECTIONS,
    durationMs: SECONDS * 1000,
    task: async () => {
      const paid = Math.random() < PAID_SHARE;
      const res = await call('POST', '/v1/orders', {
        customer: { email: `ab${Math.floor(Math.random() * 1e6)}@example.com` },
        lines: [{ sku: skus[Math.floor(Math.random() * skus.length)]!, quantity: 1 }],
        addresses: {
          home: {
            name: 'B',
            phone: '+8613800000000',
            country: 'CN',
            province: 'Zhejiang',
            city: 'Hangzhou',
            line1: '1 Road',
          },
        },
        paymentMethod: paid ? 'sandbox' : 'cod',
      });
      if (res.status !== 201)
        throw new Error(`POST /v1/orders → ${res.status} ${JSON.stringify(res.json).slice(0, 120)}`);
      if (!paid) return;
      // paid as a shop's buyer pays: the intent, then the sandbox's pay (standing in for the callback)
      const intent = await call('POST', `/v1/orders/${res.json.id}/payments`, { provider: 'sandbox' });
      if (intent.status !== 201)
        throw new Error(`POST payments → ${intent.status} ${JSON.stringify(intent.json).slice(0, 120)}`);
      const pay = await call('POST', `/v1/payments/${intent.json.id}/pay`);
      if (pay.status !== 200 && pay.status !== 201)
        throw new Error(`POST pay → ${pay.status} ${JSON.stringify(pay.json).slice(0, 120)}`);
    },
  });
}

/** Orders placed so far (placement phases count their own). */
async function placedCount(db: Db): Promise<number> {
  const { rows } = await sql<{ n: string }>`select count(*) as n from orders`.execute(db);
  return Number(rows[0]!.n);
}

/** Waits until the analytics facts hold every order and no hour is left to refresh. */
async function catchUp(databaseUrl: string): Promise<void> {
  const handle = await connectDatabase({ databaseUrl, poolSize: 1 });
  const t0 = performance.now();
  try {
    for (;;) {
      await refreshRollups(handle.db);
      const { rows } = await sql<{ behind: string; dirty: string }>`
        select (select count(*) from orders) - (select count(*) from analytics_orders) as behind,
               (select count(*) from analytics_dirty_marks) as dirty`.execute(handle.db);
      if (Number(rows[0]!.behind) === 0 && Number(rows[0]!.dirty) === 0) return;
      if (performance.now() - t0 > 300_000) throw new Error('rollups did not catch up in 5 minutes');
      await new Promise((r) => setTimeout(r, 500));
    }
  } finally {
    await handle.close();
  }
}

async function benchBackend(backend: 'postgres' | 'pglite') {
  let env: Record<string, string>;
  let cleanup = () => {};
  let databaseUrl: string | undefined;
  if (backend === 'postgres') {
    // BENCH_REUSE=1: the database a previous run loaded (its orders and rollups), to skip the load
    if (process.env.BENCH_REUSE === '1') {
      databaseUrl = databaseUrl_(DB);
      // migrations that fill new rollups from a million orders outlast the server's start-up wait
      const handle = await connectDatabase({ databaseUrl });
      try {
        const t0 = performance.now();
        await migrateToLatest(handle.db, modules);
        await sql`analyze`.execute(handle.db);
        console.log(`${backend}: migrated in ${seconds(t0)} s`);
      } finally {
        await handle.close();
      }
    } else {
      databaseUrl = await freshDatabase(DB);
      await load(backend, { databaseUrl });
    }
    env = { DATABASE_URL: databaseUrl, RELAY_IN_PROCESS: 'false' };
  } else {
    const dir = mkdtempSync(path.join(tmpdir(), 'ordersync-analytics-'));
    await load(backend, { dataDir: dir });
    env = { DATA_DIR: dir };
    cleanup = () => rmSync(dir, { recursive: true, force: true });
  }
  const server = await startServer(
    {
      ...env,
      ORDERSYNC_ADMIN_KEY: ADMIN_KEY,
      ORDER_PAYMENT_TIMEOUT: '1d',
      PAYMENT_SANDBOX: 'true',
      SANDBOX_PAYMENT_SECRET: 'bench-sandbox-secret',
    },
    PORT,
  );
  const pool = new Pool(server.url, { connections: CONNECTIONS, pipelining: 1 });
  const call = apiCaller(pool);
  try {
    // on PGlite the database runs in the server's process: its CPU is the server's
    await endpointLatencies(call, backend, () => {
      const c = cpuSnapshot(server.pid, DB);
      return databaseUrl ? c : { ...c, postgresByPid: new Map() };
    });
    if (!databaseUrl) return;
    const skus = await prepareSkus(call);
    const phase = async (label: string) => {
      const before = cpuSnapshot(server.pid, DB);
      const r = await placeFor(call, skus);
      console.log(
        `${backend} placement ${label.padEnd(24)} ${fmt(r.perSecond).padStart(7)} orders/s   p50 ${fmt(r.p50)} ms   p99 ${fmt(r.p99)} ms   (${r.completed} ok, ${r.failed} failed)\n   ${cpuPer('order', before, cpuSnapshot(server.pid, DB), r.completed)}`,
      );
      for (const [why, n] of r.failures) console.log(`   ${n} × ${why}`);
      return r.perSecond;
    };
    // 1. no relay; 2. a worker running the relay and the in-process consumers, its scheduler idle;
    // 3. the same with the rollup refresh every second (run here, as the job runs it): 3 ÷ 2 is what
    //    keeping the rollups current costs placement, 3 ÷ 1 what analytics and the relay cost together.
    const without = await phase('without relay');
    const worker = await startWorker({ DATABASE_URL: databaseUrl, SCHEDULER_INTERVAL_MS: '3600000' });
    const refresher = await connectDatabase({ databaseUrl, poolSize: 1 });
    let refreshing = false;
    const rounds: number[] = [];
    let loop = Promise.resolve();
    try {
      // the worker first catches up with the orders placed without it, and the rollups with them, so
      // that neither phase below pays for the one before
      await catchUp(databaseUrl);
      const relayOnly = await phase('relay, no refresh');
      await catchUp(databaseUrl);
      // the refresher's own PostgreSQL backends (the pool may open a new one): what the refresh costs
      const backends = new Map<number, { first: number; last: number }>();
      const sampleBackend = async () => {
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(refresher.db);
        const pid = rows[0]!.pid;
        const cpu = processCpuMs(pid);
        backends.set(pid, { first: backends.get(pid)?.first ?? cpu, last: cpu });
      };
      const placed0 = await placedCount(refresher.db);
      refreshing = true;
      loop = (async () => {
        while (refreshing) {
          await sampleBackend();
          const t0 = performance.now();
          await refreshRollups(refresher.db);
          rounds.push(performance.now() - t0);
          await sampleBackend();
          await new Promise((r) => setTimeout(r, 1000));
        }
      })();
      const withRollups = await phase('relay + refresh every 1 s');
      refreshing = false;
      await loop;
      const refreshCpu = [...backends.values()].reduce((sum, b) => sum + b.last - b.first, 0);
      const placed = (await placedCount(refresher.db)) - placed0;
      rounds.sort((a, b) => a - b);
      console.log(
        `${backend} refresh rounds during placement: ${rounds.length}, p50 ${fmt(percentile(rounds, 0.5))} ms, max ${fmt(rounds.at(-1) ?? 0)} ms; the refresher's PostgreSQL backend ${fmt(refreshCpu)} ms of CPU, ${(refreshCpu / Math.max(placed, 1)).toFixed(2)} ms per order placed (${placed})`,
      );
      console.log(
        `${backend} placement with refresh ÷ relay only: ${fmt((withRollups / relayOnly) * 100)} %;  ÷ no relay: ${fmt((withRollups / without) * 100)} %`,
      );
      const t0 = performance.now();
      await catchUp(databaseUrl);
      console.log(`${backend} rollups current ${seconds(t0)} s after the load stopped`);
    } finally {
      refreshing = false;
      await loop;
      await refresher.close();
      await worker.stop();
    }
  } finally {
    await pool.close();
    await server.stop();
    cleanup();
  }
}

console.log(
  `bench:analytics — ${CALLS} calls per endpoint; placement ${SECONDS} s per phase, ${CONNECTIONS} connections, ${PAID_SHARE * 100} % of orders paid in the sandbox; node ${process.version}`,
);
for (const backend of BACKENDS) await benchBackend(backend as 'postgres' | 'pglite');
