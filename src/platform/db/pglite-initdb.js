// Makes a new PGlite data directory (initdb) and exits: run by pglite-thread.worker.js in a process
// of its own, so that the memory initdb takes is not kept by the server. Usage: node pglite-initdb.js <dir>
import { PGlite } from '@electric-sql/pglite';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: node pglite-initdb.js <data directory>');
const pglite = await PGlite.create({ dataDir });
await pglite.close();
