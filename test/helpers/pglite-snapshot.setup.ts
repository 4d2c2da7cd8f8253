import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { modules } from '../../src/modules.js';
import { connectDatabase } from '../../src/platform/db/connect.js';
import { migrateToLatest } from '../../src/platform/db/migrate.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PGlite database with every module's migrations run, as a file (test-database.ts). */
    pgliteSnapshot: string;
  }
}

/**
 * Vitest's global setup for the PGlite project: runs every module's migrations once and keeps the
 * result as a snapshot, from which each test file's database starts. A PGlite made empty runs initdb
 * (2–5 s) and then the migrations (0.6 s); one loaded from the snapshot is up in under a second. The
 * migrations themselves still run here, on every test run, so a broken one fails the suite.
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'ordersync-pglite-'));
  const file = join(dir, 'migrated.tar');
  const handle = await connectDatabase({});
  try {
    await migrateToLatest(handle.db, modules);
    await handle.snapshot!(file);
  } finally {
    await handle.close();
  }
  project.provide('pgliteSnapshot', file);
  return () => rmSync(dir, { recursive: true, force: true });
}
