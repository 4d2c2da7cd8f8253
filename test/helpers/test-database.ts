import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, inject } from 'vitest';
import { modules } from '../../src/modules.js';
import { connectDatabase, type DatabaseHandle, type DatabaseKind } from '../../src/platform/db/connect.js';
import type { Db } from '../../src/platform/db/database.js';
import { migrateToLatest } from '../../src/platform/db/migrate.js';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestDatabase {
  db: Db;
  kind: DatabaseKind;
  schema: string;
  close(): Promise<void>;
}

/**
 * A fresh database for one test file: in-memory PGlite, or a new schema on the running PostgreSQL
 * (TEST_DB=postgres). The schema is dropped on close unless a test in the file failed. `migrated`:
 * the caller is about to run every module's migrations, so PGlite may start from the suite's
 * migrated snapshot (pglite-snapshot.setup.ts) when there is one; they then find nothing to do.
 */
export async function createTestDatabase(options: { migrated?: boolean } = {}): Promise<TestDatabase> {
  if ((process.env.TEST_DB ?? 'pglite') === 'pglite') {
    const snapshot = options.migrated ? inject('pgliteSnapshot') : undefined;
    const handle = await connectDatabase(snapshot ? { pgliteSnapshot: snapshot } : {});
    return { db: handle.db, kind: 'pglite', schema: 'public', close: () => handle.close() };
  }
  const schema = `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = await connectDatabase({ databaseUrl: TEST_DATABASE_URL, poolSize: 1 });
  await admin.pool!.query(`create schema ${schema}`);
  await admin.close();
  const handle: DatabaseHandle = await connectDatabase({
    databaseUrl: TEST_DATABASE_URL,
    schema,
    poolSize: 20,
  });
  return {
    db: handle.db,
    kind: 'postgres',
    schema,
    async close() {
      await handle.close();
      // a failed test keeps the file's schema for inspection (file-failures.setup.ts)
      if ((globalThis as { ordersyncFileFailed?: boolean }).ordersyncFileFailed) return;
      const cleanup = await connectDatabase({ databaseUrl: TEST_DATABASE_URL, poolSize: 1 });
      await cleanup.pool!.query(`drop schema ${schema} cascade`);
      await cleanup.close();
    },
  };
}

/** A test file's database with every module's migrations run: made before its tests, closed after. */
export function useMigratedTestDatabase(): () => TestDatabase {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase({ migrated: true });
    await migrateToLatest(database.db, modules, database.schema);
  });
  afterAll(async () => {
    await database?.close();
  });
  return () => {
    if (!database) throw new Error('useMigratedTestDatabase: call the getter inside a test');
    return database;
  };
}
