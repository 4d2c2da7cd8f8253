import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database, Db } from './database.js';
import { PGliteDialect } from './pglite-dialect.js';
import { PGliteThread } from './pglite-thread.js';

export type DatabaseKind = 'pglite' | 'postgres';

export interface DatabaseHandle {
  db: Db;
  kind: DatabaseKind;
  /** The raw pool, for the few things Kysely does not cover (LISTEN, pgbench-style diagnostics). */
  pool?: pg.Pool;
  close(): Promise<void>;
}

export interface ConnectOptions {
  /** PostgreSQL URL; without it the embedded PGlite is used. */
  databaseUrl?: string | undefined;
  /** PGlite data directory; `memory://` (or undefined) keeps it in memory. */
  dataDir?: string | undefined;
  poolSize?: number;
  /** PostgreSQL schema to work in (tests use one per file). */
  schema?: string;
}

// int8 (counts, money) as JS numbers: amounts stay far below 2^53 minor units.
const INT8_OID = 20;

const MAX_PREPARED_PER_CONNECTION = 1000;

/**
 * Runs every parameterized query as a named prepared statement, so PostgreSQL parses and plans each
 * distinct statement once per connection instead of on every execution (planning the order CTEs
 * costs more than running them). The name is a hash of the SQL text; past a bound per connection,
 * new texts run unprepared so odd query shapes cannot grow server memory without end.
 */
function preparedStatements(client: pg.PoolClient): pg.PoolClient {
  const marked = client as pg.PoolClient & { prepared?: Set<string> };
  if (marked.prepared) return client;
  const prepared = new Set<string>();
  marked.prepared = prepared;
  const query = client.query.bind(client) as (...args: unknown[]) => unknown;
  (client as { query: unknown }).query = (text: unknown, values?: unknown[]) => {
    if (typeof text !== 'string' || !values?.length) return query(text, values);
    const name = `k${createHash('sha1').update(text).digest('base64url')}`;
    if (!prepared.has(name)) {
      if (prepared.size >= MAX_PREPARED_PER_CONNECTION) return query(text, values);
      prepared.add(name);
    }
    return query({ name, text, values });
  };
  return client;
}

export async function connectDatabase(options: ConnectOptions): Promise<DatabaseHandle> {
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 20,
      options: options.schema ? `-c search_path=${options.schema}` : undefined,
      types: {
        getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
          oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as never,
      },
    });
    // An idle client that loses its server must not take the process down.
    pool.on('error', () => {});
    const preparing = {
      connect: async () => preparedStatements(await pool.connect()),
      end: () => pool.end(),
    };
    const db = new Kysely<Database>({
      dialect: new PostgresDialect({ pool: preparing as unknown as pg.Pool }),
    });
    return { db, kind: 'postgres', pool, close: () => db.destroy() };
  }
  const dataDir = options.dataDir && options.dataDir !== 'memory://' ? options.dataDir : undefined;
  if (dataDir) fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  const pglite = new PGliteThread(dataDir);
  await pglite.waitReady;
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  return { db, kind: 'pglite', close: () => db.destroy() };
}
