// The embedded database's own thread (see pglite-thread.ts). Plain JavaScript so that it loads the
// same way under tsx, Vitest and node: a worker thread does not inherit a TypeScript loader.
//
// Queries go through node-postgres over PGlite's wire-protocol adapter, as on PostgreSQL: the same
// type parsing (int8 as a number) and the same named prepared statements (pg-client-policy.js),
// which spare PGlite parsing and planning the order statement on every call.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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

/**
 * A new data directory is made by initdb, which PGlite runs as a second PostgreSQL in the same process;
 * its WebAssembly memory is never handed back (about 500 MB of RSS, and the process's peak, for good).
 * Made by a short-lived process of its own (pglite-initdb.js), that memory goes with it, and this
 * thread opens the directory made.
 */
async function initDataDir(dataDir) {
  if (existsSync(path.join(dataDir, 'PG_VERSION'))) return;
  const script = fileURLToPath(new URL('./pglite-initdb.js', import.meta.url));
  await new Promise((resolve, reject) => {
    execFile(process.execPath, [script, dataDir], (error, _stdout, stderr) =>
      error ? reject(new Error(`PGlite's initdb failed: ${stderr || error.message}`)) : resolve(),
    );
  });
}

try {
  if (workerData.dataDir) await initDataDir(workerData.dataDir);
  const pglite = await PGlite.create({
    ...(workerData.dataDir ? { dataDir: workerData.dataDir } : {}),
    // A snapshot (PGliteThread.snapshot) instead of initdb: the test suite's files start migrated.
    ...(workerData.snapshot ? { loadDataDir: new Blob([readFileSync(workerData.snapshot)]) } : {}),
    // PGlite's own start parameters (single-user mode, no parallel workers, …) with ours after them.
    startParams: [...PGlite.defaultStartParams, ...workerData.settings.flatMap((s) => ['-c', s])],
  });
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
        if (message.snapshotTo) {
          const tar = await pglite.dumpDataDir('none');
          writeFileSync(message.snapshotTo, Buffer.from(await tar.arrayBuffer()));
          port.postMessage({ id: message.id, rows: [] });
          return;
        }
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
