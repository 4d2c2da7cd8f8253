import { execFileSync } from 'node:child_process';
import { freshDatabase } from './api.js';

/**
 * pgbench's TPC-B-like load (scale 10) on a fresh database of the bench's PostgreSQL: the yardstick a
 * bench divides its rate by, so runs on a VM whose speed drifts compare.
 */
export async function pgbenchTps(clients: number, seconds: number): Promise<number> {
  // a bench's own BENCH_DB gives its pgbench a database of its own too
  const url = await freshDatabase(
    process.env.BENCH_DB ? `${process.env.BENCH_DB}_pgbench` : 'ordersync_pgbench',
  );
  execFileSync('pgbench', ['-i', '-q', '-s', '10', url], { stdio: 'ignore' });
  const out = execFileSync('pgbench', ['-c', String(clients), '-j', '2', '-T', String(seconds), '-n', url]);
  const m = /tps = ([\d.]+)/.exec(out.toString());
  if (!m) throw new Error(`could not read pgbench output:\n${out}`);
  return Number(m[1]);
}
