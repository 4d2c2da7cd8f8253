import { spawnSync } from 'node:child_process';
import http from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { waitFor } from './helpers/sync.js';
import { useTestApp } from './helpers/test-app.js';
import { schemaUrl, WorkerProcess } from './helpers/worker-process.js';

const onPglite = (process.env.TEST_DB ?? 'pglite') === 'pglite';

/** The API processes a cluster primary runs: its node children (tsx may run an esbuild one too). */
const childrenOf = (pid: number) =>
  spawnSync('ps', ['--ppid', String(pid), '-o', 'pid=,comm='], { encoding: 'utf8' })
    .stdout.split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter(([, command]) => command === 'node')
    .map(([child]) => Number(child));

/**
 * GET /healthz on a connection of its own, so that the primary hands each request to the next process
 * (a kept-alive connection would stay with one process, and die with it).
 */
const healthOnNewConnection = (url: string) =>
  new Promise<number | undefined>((resolve, reject) => {
    http
      .get(`${url}/healthz`, { agent: false }, (res) => resolve(res.resume().statusCode))
      .on('error', reject);
  });

describe.skipIf(onPglite)('API_PROCESSES (PostgreSQL only: PGlite lives in one process)', () => {
  const t = useTestApp();
  const fleet: WorkerProcess[] = [];
  afterAll(async () => {
    await Promise.all(fleet.map((p) => p.stop()));
  });

  it('serves one port from several processes, replaces one that dies, and stops them all', async () => {
    const api = new WorkerProcess(
      {
        DATABASE_URL: schemaUrl(t().database.schema),
        API_PROCESSES: '2',
        PORT: '0',
        RELAY_IN_PROCESS: 'false',
        LOG_LEVEL: 'info',
      },
      'serve',
      'API processes listening',
    );
    fleet.push(api);
    await api.start();
    const primary = api.pid!;
    expect(childrenOf(primary)).toHaveLength(2);
    const [first] = childrenOf(primary);

    for (let i = 0; i < 20; i++) expect(await healthOnNewConnection(api.url!)).toBe(200);

    process.kill(first!, 'SIGKILL');
    await waitFor(
      () => {
        const now = childrenOf(primary);
        return now.length === 2 && !now.includes(first!);
      },
      { message: 'a replacement API process' },
    );
    for (let i = 0; i < 20; i++) expect(await healthOnNewConnection(api.url!)).toBe(200);

    await api.stop();
    expect(api.running).toBe(false);
    expect(childrenOf(primary)).toEqual([]);
  });
});
