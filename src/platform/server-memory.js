// How `ordersync` starts its node process, for memory (bin/ordersync.js, and the benches that start the
// server as it does). Plain JavaScript: bin/ordersync.js loads it before any TypeScript loader.

/**
 * Node flags and environment for the server process. ORDERSYNC_MAX_HEAP_MB caps V8's old generation.
 * On embedded PGlite (no DATABASE_URL), where the database lives in the same process, also:
 * - `--max-semi-space-size=1`: each V8 heap's young generation at 2 MB instead of 32 MB (the main
 *   thread's and the tsx loader thread's; the PGlite thread sets its own): in an import on PGlite,
 *   ~30 MB off the peak for ~5–10 % more server CPU a line than with `=4` (8 MB);
 * - `MALLOC_ARENA_MAX=2`, `MALLOC_MMAP_THRESHOLD_=32768`: V8's optimizing compiler builds each hot
 *   PostgreSQL function of PGlite's WebAssembly in zone memory (tens of MB at once, in 32 KB
 *   segments); in glibc's per-thread arenas the freed segments stayed resident (~40 MB) for good,
 *   mapped on their own they go back to the system when freed.
 * A variable already set in the environment is left as it is.
 */
export function serverProcess(env) {
  const nodeArgs = [];
  const heapMb = Number(env.ORDERSYNC_MAX_HEAP_MB);
  if (Number.isInteger(heapMb) && heapMb > 0) nodeArgs.push(`--max-old-space-size=${heapMb}`);
  const extraEnv = {};
  if (!env.DATABASE_URL) {
    if (!/--max-semi-space-size/.test(env.NODE_OPTIONS ?? '')) nodeArgs.push('--max-semi-space-size=1');
    if (env.MALLOC_ARENA_MAX === undefined) extraEnv.MALLOC_ARENA_MAX = '2';
    if (env.MALLOC_MMAP_THRESHOLD_ === undefined) extraEnv.MALLOC_MMAP_THRESHOLD_ = '32768';
  }
  return { nodeArgs, env: extraEnv };
}
