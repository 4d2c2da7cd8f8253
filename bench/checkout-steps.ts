/**
 * npm run bench:checkout-steps — what each request of bench:checkout's flow costs on its own: N carts
 * with bench:checkout's two lines, then their N checkouts (each opening its payment), then their N
 * sandbox pays, then N /healthz for the framework's floor; CPU per request from /proc (server, this
 * database's PostgreSQL backends, load generator) for each step, relay off (RELAY_IN_PROCESS=false:
 * events wait in the outbox), so the figures are the request path's. The first round warms up and is
 * not printed.
 *
 *   BENCH_REQUESTS (default 1500)  BENCH_CONNECTIONS (default 32)
 *   BENCH_PORT (default 3950)  BENCH_DB (default ordersync_bench_steps)
 */

import { Pool } from 'undici';
import { ADMIN_KEY, freshDatabase } from './lib/api.js';
import { cpuPer, cpuSnapshot } from './lib/cpu.js';
import { address, okCaller, prepareCatalog, twoLines } from './lib/order-load.js';
import { startServer } from './lib/server.js';

const N = Number(process.env.BENCH_REQUESTS ?? 1500);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const DATABASE = process.env.BENCH_DB ?? 'ordersync_bench_steps';

const server = await startServer(
  {
    DATABASE_URL: await freshDatabase(DATABASE),
    ORDERSYNC_ADMIN_KEY: ADMIN_KEY,
    ORDER_PAYMENT_TIMEOUT: '1d',
    PAYMENT_SANDBOX: 'true',
    SANDBOX_PAYMENT_SECRET: 'bench-sandbox-secret',
    RELAY_IN_PROCESS: 'false',
  },
  Number(process.env.BENCH_PORT ?? 3950),
);
const pool = new Pool(server.url, { connections: CONNECTIONS, pipelining: 1 });
try {
  const call = okCaller(pool);
  const skus = await prepareCatalog(call, 200);
  const shop = okCaller(pool, (await call('POST', '/v1/api-keys', { name: 'shop', role: 'storefront' })).key);
  /** `task(0…N-1)`, CONNECTIONS at a time; the answers in order. */
  const all = async <T>(task: (i: number) => Promise<T>): Promise<T[]> => {
    const out: T[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (next < N) {
          const i = next++;
          out[i] = await task(i);
        }
      }),
    );
    return out;
  };
  /** Runs one step and prints its CPU per request (unless warming up). */
  const step = async <T>(name: string, print: boolean, task: (i: number) => Promise<T>) => {
    const before = cpuSnapshot(server.pid, DATABASE);
    const answers = await all(task);
    if (print)
      console.log(`${name.padEnd(9)} ${cpuPer('request', before, cpuSnapshot(server.pid, DATABASE), N)}`);
    return answers;
  };
  console.log(
    `bench:checkout-steps — ${N} requests a step, ${CONNECTIONS} connections, relay off, node ${process.version}`,
  );
  for (const print of [false, true]) {
    const carts = await step('cart', print, () => shop('POST', '/v1/carts', { items: twoLines(skus) }));
    const checkouts = await step('checkout', print, (i) =>
      shop('POST', `/v1/carts/${carts[i].id}/checkout`, {
        customer: { email: `steps${i}.${print}@example.com` },
        addresses: { home: address },
        paymentMethod: 'sandbox',
        payment: {},
      }),
    );
    await step('pay', print, (i) => call('POST', `/v1/payments/${checkouts[i].payment.id}/pay`));
    await step('/healthz', print, () => call('GET', '/healthz'));
  }
} finally {
  await pool.close();
  await server.stop();
}
