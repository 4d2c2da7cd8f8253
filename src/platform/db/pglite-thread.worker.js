// The embedded database's own thread (see pglite-thread.ts). Plain JavaScript so that it loads the
// same way under tsx, Vitest and node: a worker thread does not inherit a TypeScript loader.
//
// Queries go through node-postgres over PGlite's wire-protocol adapter, as on PostgreSQL: the same
// type parsing (int8 as a number) and the same named prepared statements (see preparedStatements in
// connect.ts), which spare PGlite parsing and planning the order statement on every call.
import { createHash } from 'node:crypto';
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import pg from 'pg';

const INT8_OID = 20;
const MAX_PREPARED = 1000;

const port = parentPort;
if (!port) throw new Error('pglite-thread.worker.js runs as a worker thread');

/** A database error as plain fields (code, detail, constraint, …) that survive postMessage. */
function serializable(error) {
  const fields = { message: String(error?.message ?? error) };
  for (const [key, value] of Object.entries(error ?? {})) {
    if (value === undefined || typeof value === 'function' || typeof value === 'object') continue;
    fields[key] = value;
  }
  return fields;
}

try {
  const pglite = await PGlite.create(workerData.dataDir ? { dataDir: workerData.dataDir } : {});
  const client = new pg.Client({
    ...createPgConfig(pglite),
    types: {
      getTypeParser: (oid, format) =>
        oid === INT8_OID ? (v) => Number(v) : pg.types.getTypeParser(oid, format),
    },
  });
  await client.connect();
  const prepared = new Set();
  const run = (sql, params) => {
    if (!params?.length) return client.query(sql);
    const name = `k${createHash('sha1').update(sql).digest('base64url')}`;
    if (!prepared.has(name)) {
      if (prepared.size >= MAX_PREPARED) return client.query(sql, params);
      prepared.add(name);
    }
    return client.query({ name, text: sql, values: params });
  };
  // Queries run one after another in arrival order: the caller relies on that to keep a
  // transaction's statements together and everyone else's outside it.
  let previous = Promise.resolve();
  port.on('message', (message) => {
    if (message.close) {
      previous = previous.then(async () => {
        await client.end();
        await pglite.close();
        port.postMessage({ closed: true });
      });
      return;
    }
    previous = previous.then(async () => {
      try {
        const result = await run(message.sql, message.params);
        port.postMessage({ id: message.id, rows: result.rows, affectedRows: result.rowCount ?? undefined });
      } catch (error) {
        port.postMessage({ id: message.id, error: serializable(error) });
      }
    });
  });
  port.postMessage({ ready: true });
} catch (error) {
  port.postMessage({ failed: serializable(error) });
}
