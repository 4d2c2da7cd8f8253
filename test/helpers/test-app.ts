import { randomBytes } from 'node:crypto';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, expect } from 'vitest';
import { buildApp } from '../../src/app.js';
import { type AppModule, modules as allModules } from '../../src/modules.js';
import { createApiKey } from '../../src/platform/auth/api-keys.js';
import type { Role } from '../../src/platform/auth/roles.js';
import { type Config, loadConfig } from '../../src/platform/config.js';
import type { Db } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrate.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export interface TestApp {
  app: FastifyInstance;
  db: Db;
  database: TestDatabase;
  config: Config;
  /** Admin key; `keyFor(role)` makes others. */
  adminKey: string;
  keyFor(role: Role): Promise<string>;
  /** app.inject with the admin key unless `key` is given; JSON bodies by default. */
  request(options: InjectOptions & { key?: string | null }): Promise<LightMyRequestResponse>;
}

/**
 * Test receivers listen on loopback, which webhooks refuse unless WEBHOOK_ALLOWED_HOSTS names it: the
 * test configurations (and the processes tests start) name it.
 */
export const TEST_WEBHOOK_ALLOWED_HOSTS = '127.0.0.0/8,::1';

/** Encrypts the test channels' credentials: random per run, as nobody may know a real one. */
export const TEST_CHANNEL_SECRETS_KEY = randomBytes(32).toString('hex');

/** The embedded defaults (the payment sandbox on), with a sandbox secret of the tests' own. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({
      LOG_LEVEL: 'silent',
      SANDBOX_PAYMENT_SECRET: 'test-sandbox-secret',
      CHANNEL_SECRETS_KEY: TEST_CHANNEL_SECRETS_KEY,
      PSEUDONYM_KEY: randomBytes(32).toString('hex'),
      WEBHOOK_ALLOWED_HOSTS: TEST_WEBHOOK_ALLOWED_HOSTS,
    }),
    ...overrides,
  };
}

export interface TestAppOptions {
  /** A Redis for the flash-sale gate and rate limits. */
  redis?: Redis;
  /** The modules to plug in (default: OrderSync's); a test adds its own module to the list. */
  modules?: readonly AppModule[];
  /** pino options (e.g. a stream to read the log from); no logging when not given. */
  logger?: object;
}

export async function createTestApp(
  overrides: Partial<Config> = {},
  options: TestAppOptions = {},
): Promise<TestApp> {
  const modules = options.modules ?? allModules;
  // the suite's migrated snapshot holds OrderSync's own migrations, not a test module's
  const database = await createTestDatabase({ migrated: modules === allModules });
  await migrateToLatest(database.db, modules, database.schema);
  const config = testConfig(overrides);
  const app = await buildApp({
    db: database.db,
    dbKind: database.kind,
    config,
    logger: options.logger ?? false,
    redis: options.redis,
    modules,
  });
  await app.ready();
  const adminKey = (await createApiKey(database.db, { name: 'test admin', role: 'admin' })).key;
  const keys = new Map<Role, string>();
  return {
    app,
    db: database.db,
    database,
    config,
    adminKey,
    async keyFor(role) {
      if (!keys.has(role))
        keys.set(
          role,
          // A channel key acts for one channel; the test one for `web`, where orders go by default.
          (
            await createApiKey(database.db, {
              name: `test ${role}`,
              role,
              channel: role === 'channel' ? 'web' : undefined,
            })
          ).key,
        );
      return keys.get(role)!;
    },
    request({ key, headers, ...options }) {
      const auth = key === null ? {} : { authorization: `Bearer ${key ?? adminKey}` };
      return app.inject({ ...options, headers: { ...auth, ...headers } } as InjectOptions);
    },
  };
}

/**
 * One app per test file: built before the file's tests, closed after. On PostgreSQL its schema is
 * dropped only when every test in the file passed, so a failure leaves the data to look at.
 */
export function useTestApp(overrides: Partial<Config> = {}, options: TestAppOptions = {}): () => TestApp {
  let t: TestApp | undefined;
  beforeAll(async () => {
    t = await createTestApp(overrides, options);
  });
  afterAll(async () => {
    if (!t) return;
    await t.app.close();
    await t.database.close();
  });
  return () => {
    if (!t) throw new Error('useTestApp: the app is built in beforeAll; call the getter inside a test');
    return t;
  };
}

/** Asserts an RFC 9457 problem response and returns its body. */
export function expectProblem(res: LightMyRequestResponse, status: number, code?: string) {
  expect(res.statusCode, res.body).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const body = res.json();
  expect(body).toMatchObject({
    status,
    type: expect.any(String),
    title: expect.any(String),
    detail: expect.any(String),
  });
  if (code) expect(body.code).toBe(code);
  return body;
}
