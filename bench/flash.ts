/**
 * npm run bench:flash — flash sales through HTTP, for Redis + PostgreSQL (with and without the queued
 * intake), PostgreSQL alone and PGlite alone. Per set-up, two phases on a fresh campaign of UNITS units:
 *
 * after an unreported warm-up (connections opened, code compiled):
 *
 *   sale  BUYERS distinct customers arriving evenly within ARRIVAL_MS (the scenario);
 *   rush  new distinct customers arriving at RUSH_RATE per second for RUSH_SECONDS (open loop: the
 *         arrival schedule does not wait for answers), which is what "attempts per second" means.
 *
 * First, a baseline: the same load generator at the rush rate against a bare Fastify route answering a
 * fixed 409, i.e. what it reaches against a server that does no work, to read the rest against.
 *
 * Each set-up prints sold, oversold, attempts/s (answers per second from the first arrival to the last
 * answer), p50/p99 latency counted from each buyer's scheduled arrival (so a slow server cannot hide
 * queueing by slowing the arrivals), the stock check afterwards (reserved = sold = UNITS), the p99
 * of GET /v1/products read meanwhile by a shopper in a process of their own, and the CPU spent per
 * attempt.
 *
 *   BENCH_BUYERS (2000)  BENCH_UNITS (500)  BENCH_ARRIVAL_MS (1000)  BENCH_RUSH_SECONDS (3)
 *   BENCH_RUSH_RATE (10000 with Redis, 1000 without)  BENCH_API_PROCESSES (2 on PostgreSQL)
 *   BENCH_SETUPS (redis+postgres+queued,redis+postgres,postgres,pglite)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Pool } from 'undici';
import { ADMIN_KEY, type Answer, apiCaller, freshDatabase, percentile } from './lib/api.js';
import { startBareServer } from './lib/bare-server.js';
import { cpuPer, cpuSnapshot } from './lib/cpu.js';
import { fmt } from './lib/load.js';
import { startServer } from './lib/server.js';
import { startShopper } from './lib/shopper.js';

const BUYERS = Number(process.env.BENCH_BUYERS ?? 2000);
const UNITS = Number(process.env.BENCH_UNITS ?? 500);
const ARRIVAL_MS = Number(process.env.BENCH_ARRIVAL_MS ?? 1000);
const RUSH_SECONDS = Number(process.env.BENCH_RUSH_SECONDS ?? 3);
const REDIS_RUSH_RATE = Number(process.env.BENCH_RUSH_RATE ?? 10_000);
const SETUPS = (process.env.BENCH_SETUPS ?? 'redis+postgres+queued,redis+postgres,postgres,pglite').split(
  ',',
);
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

const address = {
  name: 'Buyer',
  phone: '+8613800000000',
  country: 'CN',
  province: 'Shanghai',
  city: 'Shanghai',
  line1: '1 Road',
};

/**
 * Calls `fire(i)` for i = 0 … total−1 at `rate` per second on a fixed schedule, whatever the answers
 * do, and times each answer from its scheduled start.
 */
async function openLoop(rate: number, total: number, fire: (i: number) => Promise<Answer>) {
  const start = performance.now();
  const pending: Promise<Answer>[] = [];
  await new Promise<void>((resolve) => {
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
      while (pending.length < due) {
        const scheduled = start + (pending.length * 1000) / rate;
        pending.push(
          fire(pending.length).then((a) => {
            a.ms = performance.now() - scheduled;
            return a;
          }),
        );
      }
      if (pending.length < total) setTimeout(tick, 1);
      else resolve();
    };
    tick();
  });
  const answers = await Promise.all(pending);
  return { answers, seconds: (performance.now() - start) / 1000 };
}

async function runSetup(setup: string): Promise<boolean> {
  const queued = setup.includes('queued');
  const onPostgres = setup.includes('postgres');
  const rushRate = setup.includes('redis') ? REDIS_RUSH_RATE : Number(process.env.BENCH_RUSH_RATE ?? 1000);
  let cleanup = () => {};
  const env: Record<string, string> = {
    ORDERSYNC_ADMIN_KEY: ADMIN_KEY,
    // Every simulated buyer comes through this one key and address: per-key limits would only measure themselves.
    RATE_LIMIT_PER_KEY: '0',
    RATE_LIMIT_PER_ADDRESS: '0',
  };
  if (onPostgres) {
    env.DATABASE_URL = await freshDatabase('ordersync_flash');
    env.API_PROCESSES = process.env.BENCH_API_PROCESSES ?? '2';
  } else {
    const dir = mkdtempSync(path.join(tmpdir(), 'ordersync-flash-'));
    env.DATA_DIR = dir;
    cleanup = () => rmSync(dir, { recursive: true, force: true });
  }
  if (setup.includes('redis')) env.REDIS_URL = REDIS_URL;
  const server = await startServer(env, 3941);
  const pool = new Pool(server.url, { connections: 256, pipelining: 1 });
  const call = apiCaller(pool);
  let ok = true;
  try {
    const category = (await call('POST', '/v1/categories', { name: 'Flash', slug: 'flash', attributes: [] }))
      .json;
    await call('POST', '/v1/warehouses', {
      code: 'FLASH-WH',
      name: 'Flash',
      country: 'CN',
      region: 'Shanghai',
    });

    const phase = async (name: string, rate: number, total: number, report = true) => {
      const sku = `FLASH-${name}`;
      await call('POST', '/v1/products', {
        categoryId: category.id,
        title: `Flash phone ${name}`,
        status: 'active',
        variants: [{ sku, price: 399900, currency: 'CNY' }],
      });
      await call('PUT', `/v1/inventory/${sku}/FLASH-WH`, { onHand: UNITS });
      const campaign = (
        await call('POST', '/v1/campaigns', {
          name,
          sku,
          startsAt: new Date(Date.now() - 1000).toISOString(),
          endsAt: new Date(Date.now() + 3_600_000).toISOString(),
          allotted: UNITS,
          perCustomerLimit: 1,
          price: 99900,
        })
      ).json;

      // A shopper browses the catalog while the sale runs.
      const shopper = await startShopper(server.url, ADMIN_KEY, 10);
      const cpuBefore = cpuSnapshot(server.pid);
      const { answers, seconds } = await openLoop(rate, total, (i) =>
        call('POST', `/v1/campaigns/${campaign.id}/orders${queued ? '?queued=true' : ''}`, {
          customer: { email: `${name}-buyer${i}@example.com` },
          addresses: { home: address },
          paymentMethod: 'sandbox',
        }),
      );
      const cpu = cpuPer('attempt', cpuBefore, cpuSnapshot(server.pid), total);
      const browse = await shopper.stop();

      // Queued winners hold tickets: wait for the intake to place every order.
      let sold = answers.filter((o) => o.status === 201).length;
      for (const o of answers.filter((o) => o.status === 202)) {
        for (;;) {
          const ticket = (await call('GET', `/v1/tickets/${o.json.id}`)).json;
          if (ticket.status === 'placed') sold++;
          if (ticket.status !== 'queued') break;
          await new Promise((r) => setTimeout(r, 50));
        }
      }
      const other = answers.filter((o) => ![201, 202, 409].includes(o.status));
      const latencies = answers.map((o) => o.ms).sort((a, b) => a - b);
      browse.sort((a, b) => a - b);
      const stock = (await call('GET', `/v1/inventory?sku=${sku}`)).json;
      const reserved = stock.data.reduce((s: number, r: { reserved: number }) => s + r.reserved, 0);
      const campaignSold = (await call('GET', `/v1/campaigns/${campaign.id}`)).json.sold;
      const exact = reserved === sold && sold === UNITS && campaignSold === UNITS;
      if (!report) return;
      console.log(
        `${setup.padEnd(22)} ${name.padEnd(4)} ${String(total).padStart(6)} buyers at ${String(rate).padStart(5)}/s  ` +
          `sold ${sold}/${UNITS}  oversold ${Math.max(0, sold - UNITS)}  ${fmt(total / seconds, 0).padStart(6)} attempts/s  ` +
          `p50 ${fmt(percentile(latencies, 0.5)).padStart(6)} ms  p99 ${fmt(percentile(latencies, 0.99)).padStart(6)} ms  ` +
          `reserved = sold = ${UNITS}: ${exact ? 'yes' : 'NO'}  ` +
          `GET /v1/products p99 ${fmt(percentile(browse, 0.99))} ms (${browse.length} reads)` +
          (other.length
            ? `  unexpected answers: ${other.length} (${[...new Set(other.map((o) => o.status))].join(', ')})`
            : '') +
          `\n${''.padEnd(28)}${cpu}`,
      );
      ok &&= exact && other.length === 0;
    };

    // Warm-up (not reported), 1 s at the rush rate: connections open, both sides' code gets compiled.
    await phase('warm', rushRate, rushRate, false);
    await phase('sale', Math.round((BUYERS * 1000) / ARRIVAL_MS), BUYERS);
    await phase('rush', rushRate, Math.round(rushRate * RUSH_SECONDS));
    return ok;
  } finally {
    await pool.close();
    await server.stop();
    cleanup();
  }
}

console.log(
  `bench:flash — ${UNITS} units of one SKU per phase; sale: ${BUYERS} buyers within ${ARRIVAL_MS} ms; ` +
    `rush: ${RUSH_SECONDS} s of arrivals; node ${process.version}`,
);
/** The load generator against a server that does nothing but answer 409 (see startBareServer). */
async function baseline() {
  const server = await startBareServer(3942);
  const pool = new Pool(server.url, { connections: 256, pipelining: 1 });
  const call = apiCaller(pool);
  try {
    const body = (i: number) => ({
      customer: { email: `baseline-buyer${i}@example.com` },
      addresses: { home: address },
      paymentMethod: 'sandbox',
    });
    // Warm-up (not reported), as in each set-up: 1 s at the rush rate.
    await openLoop(REDIS_RUSH_RATE, REDIS_RUSH_RATE, (i) => call('POST', '/sold-out', body(i)));
    const total = Math.round(REDIS_RUSH_RATE * RUSH_SECONDS);
    const cpuBefore = cpuSnapshot(server.pid);
    const { answers, seconds } = await openLoop(REDIS_RUSH_RATE, total, (i) =>
      call('POST', '/sold-out', body(i)),
    );
    const cpu = cpuPer('attempt', cpuBefore, cpuSnapshot(server.pid), total);
    const latencies = answers.map((o) => o.ms).sort((a, b) => a - b);
    console.log(
      `${'baseline: bare Fastify'.padEnd(22)} 409  ${String(total).padStart(6)} buyers at ${String(REDIS_RUSH_RATE).padStart(5)}/s  ` +
        `${fmt(total / seconds, 0).padStart(6)} attempts/s  p50 ${fmt(percentile(latencies, 0.5)).padStart(6)} ms  ` +
        `p99 ${fmt(percentile(latencies, 0.99)).padStart(6)} ms\n${''.padEnd(28)}${cpu}`,
    );
  } finally {
    await pool.close();
    await server.stop();
  }
}

await baseline();
let ok = true;
for (const setup of SETUPS) ok = (await runSetup(setup)) && ok;
if (!ok) process.exitCode = 1;
