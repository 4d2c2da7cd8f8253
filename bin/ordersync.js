#!/usr/bin/env node
// Runs the compiled CLI (dist/, `npm run build:server`; `npm start` builds it) when it is newer than
// every source file, and the TypeScript CLI through tsx's loader otherwise, so a stale build is never run.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { serverProcess } from '../src/platform/server-memory.js';
import { builtCli } from './server-build.js';

const built = builtCli();
const run = built
  ? [built]
  : ['--import', import.meta.resolve('tsx'), fileURLToPath(new URL('../src/cli.ts', import.meta.url))];
// ORDERSYNC_MAX_HEAP_MB caps V8's old generation: left alone, V8 lets garbage pile up to several times
// what is live before a full collection (a long file import peaked at 454 MB RSS for ~100 MB live).
// On embedded PGlite, smaller young generations and malloc arenas too (server-memory.js).
const memory = serverProcess(process.env);
const result = spawnSync(process.execPath, [...memory.nodeArgs, ...run, ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, ...memory.env },
});
process.exit(result.status ?? 1);
