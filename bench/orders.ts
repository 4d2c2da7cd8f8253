/**
 * npm run bench:orders — order placement and the guest checkout flow over HTTP, on PostgreSQL and on
 * embedded PGlite, plus pgbench (TPC-B-like) on the same PostgreSQL for scale.
 *
 *   BENCH_SECONDS (default 15)  BENCH_CONNECTIONS (default 32)  BENCH_BACKENDS (default postgres,pglite)
 *   BENCH_API_PROCESSES (default 1; API_PROCESSES for the PostgreSQL server)
 *   BENCH_PHASES (default orders,guest; e.g. `orders` alone while profiling the server)
 *   BENCH_PORT (default 3931)  BENCH_DB (default ordersync_bench): another pair for a second bench at once
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Pool } from 'undici';
import { ADMIN_KEY, freshDatabase } from './lib/api.js';
import { cpuPer, cpuSnapshot } from './lib/cpu.js';
import { fmt, type LoadResult, runLoad } from './lib/load.js';
import { address, okCaller, placeOrder, prepareCatalog, randomLines } from './lib/order-load.js';
import { pgbenchTps } from './lib/pgbench.js';
import { startServer } from './lib/server.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const BACKENDS = (process.env.BENCH_BACKENDS ?? 'postgres,pglite').split(',');
const SKUS = Number(process.env.BENCH_SKUS ?? 200);
const PHASES = (process.env.BENCH_PHASES ?? 'orders,guest').split(',');

/** A phase's load, and where the CPU went meanwhile (server, PostgreSQL, load generator). */
type Measured = LoadResult & { cpu: string };

interface Results {
  orders?: Measured;
  checkouts?: Measured;
}

async function benchBackend(backend: string): Promise<Results> {
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
  const server = await startServer(
    { ...env, ORDERSYNC_ADMIN_KEY: ADMIN_KEY, ORDER_PAYMENT_TIMEOUT: '1d' },
    Number(process.env.BENCH_PORT ?? 3931),
  );
  const pool = new Pool(server.url, { connections: CONNECTIONS, pipelining: 1 });
  const call = okCaller(pool);
  try {
    const skus = await prepareCatalog(call, SKUS);
    const phase = async (name: string, run: () => Promise<LoadResult>): Promise<Measured | undefined> => {
      if (!PHASES.includes(name)) return undefined;
      const before = cpuSnapshot(server.pid);
      const result = await run();
      const unit = name === 'orders' ? 'order' : 'checkout';
      return { ...result, cpu: cpuPer(unit, before, cpuSnapshot(server.pid), result.completed) };
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
    await server.stop();
    cleanup();
  }
}

const line = (label: string, r: LoadResult, unit: string) =>
  `${label.padEnd(22)} ${fmt(r.perSecond).padStart(8)} ${unit}/s   p50 ${fmt(r.p50).padStart(6)} ms   p99 ${fmt(r.p99).padStart(6)} ms   (${r.completed} ok, ${r.failed} failed)`;

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
  console.log(`pgbench TPC-B-like      ${fmt(tps)} tps (scale 10, ${CONNECTIONS} clients, same PostgreSQL)`);
  console.log(`ratio orders/s ÷ pgbench tps: ${fmt(postgresOrders.perSecond / tps, 2)}`);
}
