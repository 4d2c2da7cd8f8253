#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader, so there is no build step to forget.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { serverProcess } from '../src/platform/server-memory.js';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
// ORDERSYNC_MAX_HEAP_MB caps V8's old generation: left alone, V8 lets garbage pile up to several times
// what is live before a full collection (a long file import peaked at 454 MB RSS for ~100 MB live).
// On embedded PGlite, smaller young generations and malloc arenas too (server-memory.js).
const memory = serverProcess(process.env);
const result = spawnSync(
  process.execPath,
  [...memory.nodeArgs, '--import', import.meta.resolve('tsx'), cli, ...process.argv.slice(2)],
  { stdio: 'inherit', env: { ...process.env, ...memory.env } },
);
process.exit(result.status ?? 1);
