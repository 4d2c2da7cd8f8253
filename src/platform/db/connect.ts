import fs from 'node:fs';
import path from 'node:path';
import { Kysely } from 'kysely';
import pg from 'pg';
import type { Database, Db } from './database.js';
import { pgTypes, preparingQuery } from './pg-client-policy.js';
import { PGliteDialect } from './pglite-dialect.js';
import { PGliteThread } from './pglite-thread.js';
import { SearchPathPostgresDialect } from './search-path-introspector.js';

export type DatabaseKind = 'pglite' | 'postgres';

export interface DatabaseHandle {
  db: Db;
  kind: DatabaseKind;
  /** The raw pool, for the few things Kysely does not cover (LISTEN, pgbench-style diagnostics). */
  pool?: pg.Pool;
  /** PGlite only: the whole database written to a file, for connectDatabase's `pgliteSnapshot`. */
  snapshot?(file: string): Promise<void>;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** PostgreSQL URL; without it the embedded PGlite is used. */
  databaseUrl?: string | undefined;
  /** PGlite data directory; `memory://` (or undefined) keeps it in memory. */
  dataDir?: string | undefined;
  poolSize?: number;
  /** PGlite only: PostgreSQL `name=value` settings after PGLITE_DEFAULT_SETTINGS (PGLITE_SETTINGS). */
  pgliteSettings?: readonly string[];
  /** PostgreSQL schema to work in (tests use one per file). */
  schema?: string;
  /** PGlite in memory only: start from this snapshot (DatabaseHandle.snapshot) instead of empty. */
  pgliteSnapshot?: string;
}

/** Every parameterized query as a named prepared statement (see preparingQuery). */
function preparedStatements(client: pg.PoolClient): pg.PoolClient {
  const marked = client as pg.PoolClient & { prepared?: true };
  if (marked.prepared) return client;
  marked.prepared = true;
  const query = client.query.bind(client) as (text: unknown, values?: unknown[]) => unknown;
  (client as { query: unknown }).query = preparingQuery(query);
  return client;
}

export async function connectDatabase(options: ConnectOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 20,
      // JIT off: the relay's and the rollups' statements are estimated at 100,000+ (stale counts of
      // tables that churn) and then spent 2.4 ms compiling a 1 ms plan (40-240 ms the first time in a
      // backend, loading LLVM). A URL's own `?options=` wins over these.
      options: ['-c jit=off', options.schema && `-c search_path=${options.schema}`].filter(Boolean).join(' '),
      types: pgTypes,
    });
    // An idle client that loses its server must not take the process down.
    pool.on('error', () => {});
    const preparing = {
      connect: async () => preparedStatements(await pool.connect()),
      end: () => pool.end(),
    };
    const db = new Kysely<Database>({
      dialect: new SearchPathPostgresDialect({ pool: preparing as unknown as pg.Pool }),
    });
    return { db, kind: 'postgres', pool, close: () => db.destroy() };
  }
  const dataDir = options.dataDir && options.dataDir !== 'memory://' ? options.dataDir : undefined;
  if (dataDir) fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  const pglite = new PGliteThread(
    dataDir,
    options.pgliteSettings,
    dataDir ? undefined : options.pgliteSnapshot,
  );
  await pglite.waitReady;
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return { db, kind: 'pglite', snapshot: (file) => pglite.snapshot(file), close: () => db.destroy() };
}
