// The embedded database's own thread (see pglite-thread.ts). Plain JavaScript so that it loads the
// same way under tsx, Vitest and node: a worker thread does not inherit a TypeScript loader.
//
// Queries go through node-postgres over PGlite's wire-protocol adapter, as on PostgreSQL: the same
// type parsing (int8 as a number) and the same named prepared statements (pg-client-policy.js),
// which spare PGlite parsing and planning the order statement on every call.
import { parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { createPgConfig } from '@electric-sql/pglite/node-postgres';
import pg from 'pg';
import { pgTypes, preparingQuery } from './pg-client-policy.js';

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
  const client = new pg.Client({ ...createPgConfig(pglite), types: pgTypes });
  await client.connect();
  const run = preparingQuery((text, values) => client.query(text, values));
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
