#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader, so there is no build step to forget.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
// ORDERSYNC_MAX_HEAP_MB caps V8's old generation: left alone, V8 lets garbage pile up to several times
// what is live before a full collection (a long file import peaked at 454 MB RSS for ~100 MB live).
const heapMb = Number(process.env.ORDERSYNC_MAX_HEAP_MB);
const heap = Number.isInteger(heapMb) && heapMb > 0 ? [`--max-old-space-size=${heapMb}`] : [];
const result = spawnSync(
  process.execPath,
  [...heap, '--import', import.meta.resolve('tsx'), cli, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
process.exit(result.status ?? 1);
