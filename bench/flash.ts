/**
 * npm run bench:flash — a flash sale through HTTP: BUYERS distinct customers arrive within
 * ARRIVAL_MS at one SKU with UNITS units, for Redis + PostgreSQL, PostgreSQL alone and PGlite alone.
 * Prints sold, oversold, attempts/s (answers, from the first arrival to the last answer), latency,
 * the stock check afterwards, and GET /v1/products p99 while the sale runs.
 *
 *   BENCH_BUYERS (2000)  BENCH_UNITS (500)  BENCH_ARRIVAL_MS (2000)  BENCH_SETUPS (redis+postgres,postgres,pglite)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Pool } from 'undici';
import { fmt } from './lib/load.js';
import { startServer } from './lib/server.js';

const BUYERS = Number(process.env.BENCH_BUYERS ?? 2000);
const UNITS = Number(process.env.BENCH_UNITS ?? 500);
const ARRIVAL_MS = Number(process.env.BENCH_ARRIVAL_MS ?? 1000);
// "+queued": winners are answered 202 with a ticket and the intake places their orders behind.
const SETUPS = (process.env.BENCH_SETUPS ?? 'redis+postgres+queued,redis+postgres,postgres,pglite').split(
  ',',
);
const PG_ADMIN = process.env.BENCH_PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ADMIN_KEY = 'bench-admin-key-0123456789';

async function freshDatabase(name: string): Promise<string> {
  const client = new pg.Client({ connectionString: PG_ADMIN });
  await client.connect();
  await client.query(`drop database if exists ${name} with (force)`);
  await client.query(`create database ${name}`);
  await client.end();
  const u = new URL(PG_ADMIN);
  u.pathname = `/${name}`;
  return u.toString();
}

const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor(xs.length * p))] ?? Number.NaN;

async function runSetup(setup: string) {
  const queued = setup.includes('queued');
  let cleanup = () => {};
  const env: Record<string, string> = {
    ORDERSYNC_ADMIN_KEY: ADMIN_KEY,
    // Every simulated buyer comes through this one key and address: per-key limits would only measure themselves.
    RATE_LIMIT_PER_KEY: '0',
    RATE_LIMIT_PER_ADDRESS: '0',
  };
  if (setup.includes('postgres')) env.DATABASE_URL = await freshDatabase('ordersync_flash');
  else {
    const dir = mkdtempSync(path.join(tmpdir(), 'ordersync-flash-'));
    env.DATA_DIR = dir;
    cleanup = () => rmSync(dir, { recursive: true, force: true });
  }
  if (setup.includes('redis')) env.REDIS_URL = REDIS_URL;
  const server = await startServer(env, 3941);
  const pool = new Pool(server.url, { connections: 256, pipelining: 1 });
  const call = async (method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) => {
    const t0 = performance.now();
    const res = await pool.request({
      method,
      path: url,
      headers: {
        authorization: `Bearer ${ADMIN_KEY}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.body.text();
    return { status: res.statusCode, json: text ? JSON.parse(text) : undefined, ms: performance.now() - t0 };
  };
  try {
    const category = (await call('POST', '/v1/categories', { name: 'Flash', slug: 'flash', attributes: [] }))
      .json;
    const sku = 'FLASH-1';
    await call('POST', '/v1/products', {
      categoryId: category.id,
      title: 'Flash phone',
      status: 'active',
      variants: [{ sku, price: 399900, currency: 'CNY' }],
    });
    await call('POST', '/v1/warehouses', {
      code: 'FLASH-WH',
      name: 'Flash',
      country: 'CN',
      region: 'Shanghai',
    });
    await call('PUT', `/v1/inventory/${sku}/FLASH-WH`, { onHand: UNITS });
    const campaign = (
      await call('POST', '/v1/campaigns', {
        name: 'Bench sale',
        sku,
        startsAt: new Date(Date.now() - 1000).toISOString(),
        endsAt: new Date(Date.now() + 3_600_000).toISOString(),
        allotted: UNITS,
        perCustomerLimit: 1,
        price: 99900,
      })
    ).json;

    // Normal shoppers browse while the sale runs.
    let browsing = true;
    const browse: number[] = [];
    const browser = (async () => {
      while (browsing) {
        browse.push((await call('GET', '/v1/products?limit=20')).ms);
        await new Promise((r) => setTimeout(r, 10));
      }
    })();

    const address = {
      name: 'Buyer',
      phone: '+8613800000000',
      country: 'CN',
      province: 'Shanghai',
      city: 'Shanghai',
      line1: '1 Road',
    };
    const start = performance.now();
    const outcomes = await Promise.all(
      Array.from({ length: BUYERS }, async (_, i) => {
        await new Promise((r) => setTimeout(r, (i / BUYERS) * ARRIVAL_MS));
        return call('POST', `/v1/campaigns/${campaign.id}/orders${queued ? '?queued=true' : ''}`, {
          customer: { email: `buyer${i}@example.com` },
          addresses: { home: address },
          paymentMethod: 'sandbox',
        });
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    // Queued winners hold tickets: wait for the intake to place every order.
    let sold = outcomes.filter((o) => o.status === 201).length;
    for (const o of outcomes.filter((o) => o.status === 202)) {
      for (;;) {
        const ticket = (await call('GET', `/v1/tickets/${o.json.id}`)).json;
        if (ticket.status === 'placed') sold++;
        if (ticket.status !== 'queued') break;
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    browsing = false;
    await browser;

    const other = outcomes.filter((o) => ![201, 202, 409].includes(o.status));
    const latencies = outcomes.map((o) => o.ms).sort((a, b) => a - b);
    browse.sort((a, b) => a - b);
    const stock = (await call('GET', `/v1/inventory?sku=${sku}`)).json;
    const reserved = stock.data.reduce((s: number, r: { reserved: number }) => s + r.reserved, 0);
    const campaignSold = (await call('GET', `/v1/campaigns/${campaign.id}`)).json.sold;
    const exact = reserved === sold && sold === UNITS && campaignSold === UNITS;
    console.log(
      `${setup.padEnd(22)} sold ${sold}/${UNITS}  oversold ${Math.max(0, sold - UNITS)}  ` +
        `${fmt(BUYERS / seconds, 0)} attempts/s  p50 ${fmt(pct(latencies, 0.5))} ms  p99 ${fmt(pct(latencies, 0.99))} ms  ` +
        `reserved ${reserved} = sold ${sold} = ${UNITS}: ${exact ? 'yes' : 'NO'}  ` +
        `GET /v1/products p99 ${fmt(pct(browse, 0.99))} ms (${browse.length} reads)` +
        (other.length
          ? `  unexpected answers: ${other.length} (${[...new Set(other.map((o) => o.status))].join(', ')})`
          : ''),
    );
    return exact && other.length === 0;
  } finally {
    await pool.close();
    await server.stop();
    cleanup();
  }
}

console.log(
  `bench:flash — ${BUYERS} buyers within ${ARRIVAL_MS} ms for ${UNITS} units of one SKU, node ${process.version}`,
);
let ok = true;
for (const setup of SETUPS) ok = (await runSetup(setup)) && ok;
if (!ok) process.exitCode = 1;
