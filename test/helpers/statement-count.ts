import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { DatabaseConnection, Dialect, Driver } from 'kysely';
import { Kysely } from 'kysely';
import { buildApp } from '../../src/app.js';
import { modules } from '../../src/modules.js';
import { connectDatabase, type DatabaseKind } from '../../src/platform/db/connect.js';
import type { Database, Db } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrate.js';
import { PGliteDialect } from '../../src/platform/db/pglite-dialect.js';
import { PGliteThread } from '../../src/platform/db/pglite-thread.js';
import { testConfig } from './test-app.js';
import { TEST_DATABASE_URL } from './test-database.js';

/** Every statement sent to the database, BEGIN and COMMIT included, in order. */
export interface StatementLog {
  statements: string[];
  /** Forget what was sent so far (count one stretch of requests). */
  reset(): void;
}

/**
 * A dialect that records each statement its connections send: wraps the driver's connections, so
 * the driver's own BEGIN / COMMIT / ROLLBACK are seen too (a Kysely log hook sees only queries).
 */
function counting(inner: Dialect, log: string[]): Dialect {
  const wrapConnection = (conn: DatabaseConnection): DatabaseConnection =>
    new Proxy(conn, {
      get(target, key, receiver) {
        if (key === 'executeQuery')
          return (query: { sql: string }) => {
            log.push(query.sql);
            return target.executeQuery(query as never);
          };
        return Reflect.get(target, key, receiver);
      },
    });
  return {
    createAdapter: () => inner.createAdapter(),
    createQueryCompiler: () => inner.createQueryCompiler(),
    createIntrospector: (db) => inner.createIntrospector(db),
    createDriver(): Driver {
      const driver = inner.createDriver();
      const wrapped = new WeakMap<DatabaseConnection, DatabaseConnection>();
      return new Proxy(driver, {
        get(target, key, receiver) {
          if (key === 'acquireConnection')
            return async () => {
              const conn = await target.acquireConnection();
              if (!wrapped.has(conn)) wrapped.set(conn, wrapConnection(conn));
              return wrapped.get(conn)!;
            };
          const value = Reflect.get(target, key, receiver);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    },
  };
}

/** An in-memory PGlite whose statements are recorded. */
export async function countingDatabase(): Promise<{ db: Db; log: StatementLog; close(): Promise<void> }> {
  const thread = new PGliteThread(undefined);
  await thread.waitReady;
  const statements: string[] = [];
  const db = new Kysely<Database>({ dialect: counting(new PGliteDialect(thread), statements) });
  return {
    db,
    log: {
      statements,
      reset: () => {
        statements.length = 0;
      },
    },
    close: () => db.destroy(),
  };
}

/**
 * The test file's database (createTestDatabase: PGlite, or a schema of its own on PostgreSQL with
 * TEST_DB=postgres) with every statement recorded. On PostgreSQL each pooled connection's query is
 * wrapped as the pool opens it, so statements of concurrent transactions interleave in the log.
 */
export async function countingTestDatabase(): Promise<{
  db: Db;
  kind: DatabaseKind;
  schema: string;
  log: StatementLog;
  close(): Promise<void>;
}> {
  if ((process.env.TEST_DB ?? 'pglite') === 'pglite')
    return { ...(await countingDatabase()), kind: 'pglite', schema: 'public' };
  const statements: string[] = [];
  const schema = `c_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = await connectDatabase({ databaseUrl: TEST_DATABASE_URL, poolSize: 1 });
  await admin.pool!.query(`create schema ${schema}`);
  await admin.close();
  const handle = await connectDatabase({ databaseUrl: TEST_DATABASE_URL, schema, poolSize: 20 });
  handle.pool!.on('connect', (client) => {
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as { query: unknown }).query = (...args: unknown[]) => {
      const q = args[0] as string | { text?: string };
      statements.push(typeof q === 'string' ? q : (q.text ?? ''));
      return query(...args);
    };
  });
  return {
    db: handle.db,
    kind: 'postgres',
    schema,
    log: {
      statements,
      reset: () => {
        statements.length = 0;
      },
    },
    async close() {
      await handle.close();
      const cleanup = await connectDatabase({ databaseUrl: TEST_DATABASE_URL, poolSize: 1 });
      await cleanup.pool!.query(`drop schema ${schema} cascade`);
      await cleanup.close();
    },
  };
}

/**
 * OrderSync's app (all modules, migrated) on a counting database: what a statement-count test drives.
 * An in-memory PGlite unless `onTestDatabase`, then the test run's database (PGlite or PostgreSQL).
 */
export async function countingApp(options: { onTestDatabase?: boolean } = {}): Promise<{
  app: FastifyInstance;
  db: Db;
  log: StatementLog;
  close(): Promise<void>;
}> {
  const counted = options.onTestDatabase
    ? await countingTestDatabase()
    : { ...(await countingDatabase()), kind: 'pglite' as const, schema: 'public' };
  await migrateToLatest(counted.db, modules, counted.schema);
  const app = await buildApp({
    db: counted.db,
    dbKind: counted.kind,
    config: testConfig(),
    logger: false,
    modules,
  });
  await app.ready();
  return {
    app,
    db: counted.db,
    log: counted.log,
    async close() {
      await app.close();
      await counted.close();
    },
  };
}

/**
 * A product whose variants are stocked in one Shanghai warehouse, made through the API (`call` takes
 * the admin's key and throws on a failure).
 */
export async function stockedTeaSet(
  call: (method: 'POST' | 'PUT', url: string, payload?: object) => Promise<{ id: string }>,
  variants: Array<{ sku: string; title: string; price: number; currency: string }>,
  onHand: number,
): Promise<void> {
  const category = await call('POST', '/v1/categories', { name: 'C', slug: 'c', attributes: [] });
  await call('POST', '/v1/products', {
    categoryId: category.id,
    title: 'Tea set',
    status: 'active',
    attributes: {},
    variants,
  });
  await call('POST', '/v1/warehouses', {
    code: 'SH',
    name: 'SH',
    country: 'CN',
    region: 'Shanghai',
    priority: 1,
  });
  for (const { sku } of variants) await call('PUT', `/v1/inventory/${sku}/SH`, { onHand });
}
