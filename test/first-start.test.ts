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

/** `ordersync start` until it prints its banner; then stopped (SIGTERM). Returns what it printed. */
function startUntilBanner(env: Record<string, string | undefined>): Promise<string> {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), cli, 'start'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (c: Buffer) => {
    err += c.toString();
  });
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('Health:')) child.kill('SIGTERM');
    });
    child.once('exit', (code) =>
      out.includes('Health:')
        ? resolve(out)
        : reject(new Error(`start exited (${code}) before its banner: ${err}`)),
    );
  });
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

    const banner = await startUntilBanner({ ...quiet, PORT: port, DATA_DIR: dataDir });
    const key = /Admin key: +(osk_\S+)/.exec(banner)?.[1];
    expect(key, banner).toBeDefined();
    // The key printed is one the database knows: the next start (key table not empty) prints none.
    const again = await startUntilBanner({ ...quiet, PORT: port, DATA_DIR: dataDir });
    expect(again).not.toContain('Admin key');
    // Three starts of the CLI, each migrating PGlite: ~20 s on an idle machine, over a minute on a busy one.
  }, 180_000);
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
