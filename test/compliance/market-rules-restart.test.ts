import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { InjectOptions } from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { modules } from '../../src/modules.js';
import { createApiKey } from '../../src/platform/auth/api-keys.js';
import { connectDatabase, type DatabaseHandle } from '../../src/platform/db/connect.js';
import { migrateToLatest } from '../../src/platform/db/migrate.js';
import { address, NO_COD_TO_TIBET, orderBody, stockedSku } from '../helpers/factories.js';
import { type TestApp, testConfig } from '../helpers/test-app.js';
import { TEST_DATABASE_URL } from '../helpers/test-database.js';

// Two apps, one after the other, on the same database (a PGlite data directory, or a PostgreSQL
// schema), each with its own connection: what the first counted must be in the second's report.
const onPostgres = (process.env.TEST_DB ?? 'pglite') === 'postgres';
const place = onPostgres
  ? `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`
  : fs.mkdtempSync(path.join(os.tmpdir(), 'ordersync-refusals-'));

const connect = (): Promise<DatabaseHandle> =>
  onPostgres
    ? connectDatabase({ databaseUrl: TEST_DATABASE_URL, schema: place, poolSize: 4 })
    : connectDatabase({ dataDir: place });

async function start() {
  const handle = await connect();
  await migrateToLatest(handle.db, modules, onPostgres ? place : 'public');
  const app = await buildApp({
    db: handle.db,
    dbKind: handle.kind,
    config: testConfig(),
    logger: false,
    modules,
  });
  await app.ready();
  const key = (await createApiKey(handle.db, { name: 'admin', role: 'admin' })).key;
  const t = {
    app,
    db: handle.db,
    request: (options: InjectOptions) =>
      app.inject({ ...options, headers: { authorization: `Bearer ${key}`, ...options.headers } }),
  } as unknown as TestApp;
  return {
    t,
    async stop() {
      await app.close();
      await handle.close();
    },
  };
}

describe('market rule refusals in the report', () => {
  afterAll(async () => {
    if (!onPostgres) return fs.rmSync(place, { recursive: true, force: true });
    const admin = await connectDatabase({ databaseUrl: TEST_DATABASE_URL, poolSize: 1 });
    await admin.pool!.query(`drop schema if exists ${place} cascade`);
    await admin.close();
  });

  it('counts refusals in the database, so a restarted process reports them', {
    timeout: 240_000,
  }, async () => {
    if (onPostgres) {
      const admin = await connectDatabase({ databaseUrl: TEST_DATABASE_URL, poolSize: 1 });
      await admin.pool!.query(`create schema ${place}`);
      await admin.close();
    }
    const first = await start();
    const rule = await first.t.request({
      method: 'POST',
      url: '/v1/compliance/rules',
      payload: NO_COD_TO_TIBET,
    });
    expect(rule.statusCode, rule.body).toBe(201);
    const item = await stockedSku(first.t, 20, 30_000);
    const order = (paymentMethod: string) =>
      first.t.request({
        method: 'POST',
        url: '/v1/orders',
        payload: orderBody([{ sku: item.sku, quantity: 1 }], {
          addresses: { home: address({ province: 'Xizang', city: 'Lhasa' }) },
          paymentMethod,
        }),
      });
    expect((await order('sandbox')).statusCode).toBe(201);
    for (let i = 0; i < 3; i++) expect((await order('cod')).json()).toMatchObject({ reason: 'cod_limit' });
    // Stopped right after a refusal, whose count may still be on its way: the app's close writes it.
    await first.stop(); // its report never asked, its job never ran

    const second = await start();
    try {
      const report = await second.t.request({ method: 'GET', url: '/v1/compliance/rules/report' });
      expect(report.statusCode, report.body).toBe(200);
      expect(report.json().rules).toEqual([
        {
          ruleId: rule.json().id,
          name: 'No COD to Tibet',
          accepted: 1,
          refused: 3,
          refusedBy: { cod_limit: 3 },
        },
      ]);
    } finally {
      await second.stop();
    }
  });
});
