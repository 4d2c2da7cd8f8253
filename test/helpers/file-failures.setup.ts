import { afterEach } from 'vitest';

/**
 * Whether a test of the running file has failed: test-database.ts then keeps the file's PostgreSQL
 * schema for inspection. Vitest runs a setup file again before every test file, also where files
 * share their imported modules (`isolate: false`, which would keep a module's flag and its hook from
 * the first file only), so the flag starts false and the hook is registered in each file.
 */
const state = globalThis as { ordersyncFileFailed?: boolean };
state.ordersyncFileFailed = false;

afterEach((context) => {
  if (context.task.result?.state === 'fail') state.ordersyncFileFailed = true;
});
