/**
 * npm run bench:checkout — the two-item guest checkout over HTTP on PostgreSQL: a cart with two SKUs,
 * checkout and a payment intent as a shop does them (a storefront key; the intent with the order's
 * access token), then the sandbox's pay (admin only, standing in for the provider's callback), with
 * CPU per checkout from /proc (server, the bench database's PostgreSQL backends, load generator) and
 * pgbench (TPC-B-like) on the same PostgreSQL right after, so two runs on a VM whose speed drifts
 * compare by their ratio.
 *
 *   BENCH_SECONDS (default 15)  BENCH_CONNECTIONS (default 32)  BENCH_SKUS (default 200)
 *   BENCH_PORT (default 3932)  BENCH_DB (default ordersync_bench_checkout): another pair for a second
 *   bench at once (several benches on one machine)
 *   BENCH_FLOW: pay (the cart created with both lines, then a checkout that opens its payment: three
 *   requests), basket (the same, the intent opened by its own request) or lines (create, then add each
 *   line, then checkout and intent); default the first the server takes (an older OrderSync takes fewer).
 *   BENCH_RELAY (default `in-process`): `worker` runs the relay and its consumers in an `ordersync worker`
 *   beside the server (RELAY_IN_PROCESS=false there), as production does, at nice BENCH_WORKER_NICE
 *   (default 10); "server" CPU is then both processes'. `off`: no relay at all (events pile up in the
 *   outbox), the request path alone, to tell its cost from the relay's and its consumers'.
 */

import { Pool } from 'undici';
import { ADMIN_KEY, apiCaller, databaseUrl, freshDatabase } from './lib/api.js';
import { cpuPer, cpuSnapshot } from './lib/cpu.js';
import { fmt, runLoad } from './lib/load.js';
import { address, okCaller, prepareCatalog, twoLines } from './lib/order-load.js';
import { pgbenchTps } from './lib/pgbench.js';
import { describeBacklog, relayBacklog } from './lib/relay-backlog.js';
import { startServer } from './lib/server.js';
import { startWorker } from './lib/worker.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const SKUS = Number(process.env.BENCH_SKUS ?? 200);

const DATABASE = process.env.BENCH_DB ?? 'ordersync_bench_checkout';
const IN_WORKER = process.env.BENCH_RELAY === 'worker';
const RELAY_OFF = process.env.BENCH_RELAY === 'off';
const env = {
  DATABASE_URL: await freshDatabase(DATABASE),
  ORDERSYNC_ADMIN_KEY: ADMIN_KEY,
  ORDER_PAYMENT_TIMEOUT: '1d',
  PAYMENT_SANDBOX: 'true',
  SANDBOX_PAYMENT_SECRET: 'bench-sandbox-secret',
};
const server = await startServer(
  { ...env, ...(IN_WORKER || RELAY_OFF ? { RELAY_IN_PROCESS: 'false' } : {}) },
  Number(process.env.BENCH_PORT ?? 3932),
);
// After the server, which migrates the fresh database.
const worker = IN_WORKER
  ? await startWorker({
      ...env,
      RELAY_IN_PROCESS: 'true',
      WORKER_NICE: process.env.BENCH_WORKER_NICE ?? '10',
    })
  : undefined;
const pids = [server.pid, ...(worker ? [worker.pid] : [])];
const pool = new Pool(server.url, { connections: CONNECTIONS, pipelining: 1 });
const call = okCaller(pool);
try {
  const skus = await prepareCatalog(call, SKUS);
  const shop = okCaller(pool, (await call('POST', '/v1/api-keys', { name: 'shop', role: 'storefront' })).key);
  const guest = () => ({
    customer: { email: `guest${Math.floor(Math.random() * 1e6)}@example.com` },
    addresses: { home: address },
    paymentMethod: 'sandbox',
  });
  let flow = process.env.BENCH_FLOW;
  if (!flow) {
    const probe = await apiCaller(pool)('POST', '/v1/carts', { items: twoLines(skus) });
    const paying =
      probe.status === 201 &&
      (await apiCaller(pool)('POST', `/v1/carts/${probe.json.id}/checkout`, { ...guest(), payment: {} }));
    flow =
      paying && paying.status === 201 && paying.json.payment
        ? 'pay'
        : probe.status === 201
          ? 'basket'
          : 'lines';
  }
  const requests = flow === 'pay' ? 3 : flow === 'basket' ? 4 : 6;
  const checkout = async () => {
    const lines = twoLines(skus);
    let cart: { id: string };
    if (flow !== 'lines') cart = await shop('POST', '/v1/carts', { items: lines });
    else {
      cart = await shop('POST', '/v1/carts', {});
      for (const line of lines) await shop('POST', `/v1/carts/${cart.id}/items`, line);
    }
    let payment: { id: string };
    if (flow === 'pay')
      ({ payment } = await shop('POST', `/v1/carts/${cart.id}/checkout`, { ...guest(), payment: {} }));
    else {
      const order = await shop('POST', `/v1/carts/${cart.id}/checkout`, guest());
      payment = await shop('POST', `/v1/orders/${order.id}/payments?accessToken=${order.accessToken}`, {
        provider: 'sandbox',
      });
    }
    await call('POST', `/v1/payments/${payment.id}/pay`);
  };
  // a short warm-up: caches, prepared statements, JIT
  await runLoad({ concurrency: CONNECTIONS, durationMs: 2000, task: checkout });
  // PostgreSQL's CPU is this database's backends only: on a shared PostgreSQL others' work stays out
  const before = cpuSnapshot(pids, DATABASE);
  const r = await runLoad({ concurrency: CONNECTIONS, durationMs: SECONDS * 1000, task: checkout });
  const cpu = cpuPer('checkout', before, cpuSnapshot(pids, DATABASE), r.completed);
  // What the relay had not done yet when the load stopped, and the CPU with its catch-up counted: a
  // relay that fell behind would otherwise leave its work out of the figure above.
  // with the relay off nothing would drain it: not waited for
  const backlog = RELAY_OFF ? undefined : await relayBacklog(databaseUrl(DATABASE));
  const caughtUp = cpuPer('checkout', before, cpuSnapshot(pids, DATABASE), r.completed);
  await pool.close();
  await worker?.stop();
  await server.stop();
  const tps = await pgbenchTps(CONNECTIONS, SECONDS);
  console.log(
    `bench:checkout — ${SECONDS} s, ${CONNECTIONS} connections, ${SKUS} SKUs, two items, flow ${flow} (${requests} requests: cart, checkout and intent by a storefront key, the sandbox's pay by admin), relay ${IN_WORKER ? 'in a worker process' : RELAY_OFF ? 'off' : 'in-process'}, node ${process.version}`,
  );
  console.log(
    `guest checkout   ${fmt(r.perSecond).padStart(8)} checkouts/s   p50 ${fmt(r.p50)} ms   p99 ${fmt(r.p99)} ms   (${r.completed} ok, ${r.failed} failed)`,
  );
  console.log(`   ${cpu}`);
  if (backlog) {
    console.log(`   ${describeBacklog(backlog)}`);
    console.log(`   with the relay's catch-up, ${caughtUp}`);
  }
  for (const [message, n] of r.failures) console.log(`   failure ×${n}: ${message}`);
  console.log(`pgbench TPC-B-like ${fmt(tps)} tps (scale 10, ${CONNECTIONS} clients, same PostgreSQL)`);
  console.log(`ratio checkouts/s ÷ pgbench tps: ${fmt(r.perSecond / tps, 3)}`);
} catch (error) {
  await pool.close().catch(() => {});
  await worker?.stop();
  await server.stop();
  throw error;
}
