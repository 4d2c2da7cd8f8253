/** A closed-loop load: `concurrency` workers each run `task` back to back until time is up. */
export interface LoadResult {
  completed: number;
  failed: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  failures: Map<string, number>;
}

export async function runLoad(opts: {
  concurrency: number;
  durationMs: number;
  task: (worker: number) => Promise<void>;
}): Promise<LoadResult> {
  const latencies: number[] = [];
  const failures = new Map<string, number>();
  let failed = 0;
  const start = performance.now();
  const end = start + opts.durationMs;
  await Promise.all(
    Array.from({ length: opts.concurrency }, async (_, worker) => {
      while (performance.now() < end) {
        const t0 = performance.now();
        try {
          await opts.task(worker);
          latencies.push(performance.now() - t0);
        } catch (error) {
          failed++;
          const key = (error as Error).message.slice(0, 120);
          failures.set(key, (failures.get(key) ?? 0) + 1);
        }
      }
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? Number.NaN;
  return {
    completed: latencies.length,
    failed,
    seconds,
    perSecond: latencies.length / seconds,
    p50: pct(0.5),
    p99: pct(0.99),
    failures,
  };
}

export const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
