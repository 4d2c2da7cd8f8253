import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

const helper = fileURLToPath(new URL('./process-priority.ts', import.meta.url));

describe.runIf(process.platform === 'linux')('WORKER_NICE', () => {
  it('lowers every thread of the process, not only the one that asks', () => {
    // In a process of its own: the test runner's priority is left alone.
    const script = `
      import { readdirSync } from 'node:fs';
      import { getPriority } from 'node:os';
      const { lowerProcessPriority } = await import(${JSON.stringify(helper)});
      lowerProcessPriority(7);
      console.log(JSON.stringify(readdirSync('/proc/self/task').map((tid) => getPriority(Number(tid)))));`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    const nices: number[] = JSON.parse(out);
    expect(nices.length).toBeGreaterThan(1);
    expect(new Set(nices)).toEqual(new Set([7]));
  });

  it('is 0 unless given, at most 19', () => {
    expect(loadConfig({}).sync.workerNice).toBe(0);
    expect(loadConfig({ WORKER_NICE: '10' }).sync.workerNice).toBe(10);
    expect(() => loadConfig({ WORKER_NICE: '20' })).toThrow(/WORKER_NICE/);
  });
});
