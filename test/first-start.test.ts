import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ordersync } from './helpers/cli.js';
import { TEST_DATABASE_URL } from './helpers/test-database.js';

const onPglite = (process.env.TEST_DB ?? 'pglite') === 'pglite';
const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const quiet = {
  LOG_LEVEL: 'silent',
  DATABASE_URL: undefined,
  ORDERSYNC_ADMIN_KEY: undefined,
  REDIS_URL: undefined,
};

/** Something else listening on a port of the machine, as when OrderSync is already running. */
async function occupyPort(): Promise<net.Server> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
const portOf = (server: net.Server) => (server.address() as net.AddressInfo).port;

/**
 * `ordersync start` until it prints its banner; then `meanwhile(banner)` while it runs, and it is
 * stopped (SIGTERM). Returns what it printed.
 */
function startUntilBanner(
  env: Record<string, string | undefined>,
  meanwhile: (banner: string) => Promise<void> = async () => {},
): Promise<string> {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), cli, 'start'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let checked: Promise<void> | undefined;
  child.stderr.on('data', (c: Buffer) => {
    err += c.toString();
  });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      // the whole banner: its last line is blank
      if (!checked && out.includes('Health:') && out.endsWith('\n\n'))
        checked = meanwhile(out).finally(() => child.kill('SIGTERM'));
    });
    child.once('exit', (code) =>
      checked
        ? checked.then(() => resolve(out), reject)
        : reject(new Error(`start exited (${code}) before its banner: ${err}`)),
    );
  });
}

/**
 * What the console's dashboard reads on a first start: orders today and yesterday (by placement
 * time, in UTC days), over several channels and at several steps, a forecast, and the analytics.
 */
async function expectDemoOrders(base: string, key: string) {
  const get = async (path: string) => {
    const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${key}` } });
    expect(res.status, `${path}: ${await res.clone().text()}`).toBe(200);
    return res.json();
  };
  const now = new Date();
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const day = (d: number) => new Date(today - d * 86_400_000).toISOString();
  const todays = (await get(`/v1/orders?from=${day(0)}&limit=200`)).data as {
    status: string;
    channel: string;
  }[];
  const yesterdays = (await get(`/v1/orders?from=${day(1)}&to=${day(0)}&limit=200`)).data;
  expect(yesterdays.length).toBeGreaterThan(0);
  expect(new Set(todays.map((o) => o.channel))).toEqual(new Set(['web', 'app', 'tmall']));
  expect(new Set(todays.map((o) => o.status))).toEqual(
    new Set(['pending_payment', 'placed', 'paid', 'shipped', 'delivered', 'completed', 'cancelled']),
  );
  const forecast = await get('/v1/forecasts/orders?granularity=day&horizon=14');
  expect(forecast).toHaveLength(14);
  expect(forecast[0].expected).toBeGreaterThan(0);
  const returns = (await get('/v1/returns?limit=10')).data as { status: string }[];
  expect(returns.map((r) => r.status).sort()).toEqual(['refunded', 'requested']);
  // analytics' facts and rollups come from the events, through the relay: give it a moment
  const period = `from=${day(28)}&to=${day(-1)}`;
  const yesterdayInSales = async () => {
    const sales = await get(`/v1/analytics/sales?${period}&granularity=day`);
    const buckets = (sales.series[0]?.buckets ?? []) as { start: string; orders: number }[];
    return buckets.find((b) => b.start === day(1))?.orders ?? 0;
  };
  await expect.poll(yesterdayInSales, { timeout: 60_000 }).toBe(yesterdays.length);
  const funnel = (await get(`/v1/analytics/funnel?${period}`)).stages as { stage: string; orders: number }[];
  expect(funnel.find((s) => s.stage === 'shipped')?.orders).toBeGreaterThan(0);
  expect((await get('/v1/customers?limit=5')).data.length).toBeGreaterThan(0);
}

describe.skipIf(!onPglite)('the first start (embedded database)', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ordersync-first-start-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('says in one line that the port is taken, creates nothing, and the next start prints the admin key', async () => {
    const other = await occupyPort();
    const port = String(portOf(other));
    const failed = await ordersync(['start'], { ...quiet, PORT: port, DATA_DIR: dataDir });
    other.close();
    expect(failed.code).toBe(1);
    expect(failed.stderr.trim().split('\n')).toEqual([
      `ordersync start: Cannot listen on port ${port} on 127.0.0.1: it is already in use. Stop what is using it, or set PORT to another port.`,
    ]);
    expect(existsSync(path.join(dataDir, 'pglite')), 'the database was not even opened').toBe(false);

    const banner = await startUntilBanner({ ...quiet, PORT: port, DATA_DIR: dataDir }, (printed) =>
      expectDemoOrders(`http://127.0.0.1:${port}`, /Admin key: +(osk_\S+)/.exec(printed)?.[1] ?? ''),
    );
    const key = /Admin key: +(osk_\S+)/.exec(banner)?.[1];
    expect(key, banner).toBeDefined();
    expect(banner).toMatch(/Demo data: +26 products, 71 SKUs, 3 warehouses, \d+ orders \(\d+ today\)/);
    // The key printed is one the database knows: the next start (key table not empty) prints none.
    const again = await startUntilBanner({ ...quiet, PORT: port, DATA_DIR: dataDir });
    expect(again).not.toContain('Admin key');
    // Three starts of the CLI, each migrating PGlite (the second placing the demo orders): ~25 s on an
    // idle machine, over two minutes on a busy one.
  }, 300_000);
});

describe.skipIf(onPglite)('the first start (PostgreSQL)', () => {
  it('says in one line that the database cannot be reached', async () => {
    const closed = await occupyPort();
    const port = portOf(closed);
    closed.close();
    const url = `postgres://postgres:secret@127.0.0.1:${port}/test`;
    const run = await ordersync(['migrate'], { ...quiet, DATABASE_URL: url });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toEqual([
      `ordersync migrate: Cannot reach PostgreSQL at postgres://postgres:***@127.0.0.1:${port}/test (ECONNREFUSED): is it running? Check DATABASE_URL.`,
    ]);
  });

  it('says in one line that the database does not exist', async () => {
    const url = new URL(TEST_DATABASE_URL);
    url.pathname = '/ordersync_no_such_database';
    const run = await ordersync(['start'], { ...quiet, PORT: '0', DATABASE_URL: url.toString() });
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^ordersync start: PostgreSQL at .*ordersync_no_such_database refused the connection: database "ordersync_no_such_database" does not exist\. Check DATABASE_URL\.$/,
    );
  });
});
