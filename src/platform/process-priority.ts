import { readdirSync } from 'node:fs';
import { setPriority } from 'node:os';

/**
 * Lowers this process's OS priority to `nice` (0–19), as `nice -n` would have started it. On Linux a
 * nice value belongs to each thread and `setpriority` on the process changes only the calling one, so
 * the threads already running (V8's, libuv's) are set one by one; threads made later inherit it.
 */
export function lowerProcessPriority(nice: number): void {
  if (nice <= 0) return;
  setPriority(nice);
  let threads: string[] = [];
  try {
    threads = readdirSync('/proc/self/task');
  } catch {
    return; // not Linux: the process's priority is all there is
  }
  for (const tid of threads) {
    try {
      setPriority(Number(tid), nice);
    } catch {
      // a thread that ended meanwhile
    }
  }
}
