/**
 * npm run bench:import — a file channel's historical import of the UCI Online Retail file (431,673
 * lines, gzipped) over HTTP, on PostgreSQL and on embedded PGlite: lines/s from the upload's first byte
 * to the import's completion, the server's resident memory (sampled, and its peak), CPU per line.
 * The result is checked against an independent count of the file (test/channels/uci-expectations.ts).
 *
 *   BENCH_BACKENDS (default postgres,pglite)   BENCH_FILE (default the UCI file)
 *   BENCH_HEAP_MB (default 160): the server's ORDERSYNC_MAX_HEAP_MB (V8 old generation); 0 leaves it to V8
 *   BENCH_PORT (default 3941), BENCH_DB (default ordersync_bench_import): another pair when these are
 *   taken (several benches on one machine)
 */
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import pg from 'pg';
import { buildServer, builtCli } from '../bin/server-build.js';
import { UCI_ONLINE_RETAIL } from '../src/modules/channels/index.js';
import { serverProcess } from '../src/platform/server-memory.js';
import { uciExpectations } from '../test/channels/uci-expectations.js';
import { ADMIN_KEY, freshDatabase } from './lib/api.js';
import { cpuPer, cpuSnapshot, databaseBackendsCpu } from './lib/cpu.js';
import { startServer } from './lib/server.js';

const FILE =
  process.env.BENCH_FILE ?? '../shared/fixtures/datasets/online-retail.2010-12-01_2011-10-31.csv.gz';
const BACKENDS = (process.env.BENCH_BACKENDS ?? 'postgres,pglite').split(',');
const auth = { authorization: `Bearer ${ADMIN_KEY}` };
const HEAP_MB = Number(process.env.BENCH_HEAP_MB ?? 160);

/** Resident memory of a process, in MB: now (VmRSS) and its peak so far (VmHWM). */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

async function benchBackend(backend: string, expected: Awaited<ReturnType<typeof uciExpectations>>) {
  let env: Record<string, string>;
  let cleanup = () => {};
  const dataDir = mkdtempSync(path.join(tmpdir(), 'ordersync-bench-import-'));
  if (backend === 'postgres')
    env = {
      DATABASE_URL: await freshDatabase(process.env.BENCH_DB ?? 'ordersync_bench_import'),
      DATA_DIR: dataDir,
    };
  else env = { DATA_DIR: dataDir };
  cleanup = () => rmSync(dataDir, { recursive: true, force: true });
  // As bin/ordersync.js starts it after `npm run build:server` (`npm start` builds it): the compiled
  // CLI with plain node, ORDERSYNC_MAX_HEAP_MB, and on PGlite its smaller young generations and malloc
  // arenas (server-memory.js).
  const memory = serverProcess({ ...process.env, ...env, ORDERSYNC_MAX_HEAP_MB: String(HEAP_MB) });
  const server = await startServer(
    { ...env, ...memory.env, ORDERSYNC_ADMIN_KEY: ADMIN_KEY },
    Number(process.env.BENCH_PORT ?? 3941),
    memory.nodeArgs,
    builtCli() ?? (await buildServer()),
  );
  try {
    const channel = await fetch(`${server.url}/v1/channels`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'uci', kind: 'file', name: 'UCI Online Retail', currency: 'GBP' }),
    }).then((r) => r.json() as Promise<{ id: string }>);
    const idle = memoryOf(server.pid);
    let monitor: pg.Client | undefined;
    let backends: ReturnType<typeof databaseBackendsCpu> | undefined;
    if (backend === 'postgres') {
      monitor = new pg.Client({ connectionString: env.DATABASE_URL });
      await monitor.connect();
      const m = monitor;
      backends = databaseBackendsCpu(
        async (text, params) => (await m.query(text, params)).rows,
        new URL(env.DATABASE_URL!).pathname.slice(1),
      );
      await backends.start();
    }
    const before = cpuSnapshot(server.pid);
    const started = performance.now();
    const mapping = encodeURIComponent(JSON.stringify(UCI_ONLINE_RETAIL));
    const res = await fetch(
      `${server.url}/v1/channels/${channel.id}/imports?format=csv&historical=true&mapping=${mapping}`,
      {
        method: 'POST',
        headers: {
          ...auth,
          'content-type': 'application/gzip',
          'content-length': String(statSync(FILE).size),
        },
        body: Readable.toWeb(createReadStream(FILE)) as ReadableStream,
        duplex: 'half',
      } as RequestInit,
    );
    if (res.status !== 202) throw new Error(`upload: ${res.status} ${await res.text()}`);
    const { id } = (await res.json()) as { id: string };
    const samples: { percent: number; rss: number }[] = [];
    let view: { status: string; progress: Record<string, number>; rejected: unknown; error: string | null };
    for (;;) {
      view = await fetch(`${server.url}/v1/imports/${id}`, { headers: auth }).then((r) => r.json() as never);
      samples.push({ percent: view.progress.percent!, rss: memoryOf(server.pid).rss });
      await backends?.sample();
      if (view.status === 'completed' || view.status === 'failed') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    const seconds = (performance.now() - started) / 1000;
    const after = cpuSnapshot(server.pid);
    const p = view.progress;
    const at = (pct: number) => samples.find((s) => s.percent >= pct)?.rss.toFixed(0) ?? '-';
    console.log(
      `\n${backend}: ${view.status}${view.error ? ` (${view.error})` : ''}; server heap ${HEAP_MB > 0 ? `capped at ${HEAP_MB} MB (ORDERSYNC_MAX_HEAP_MB)` : 'left to V8'}`,
    );
    console.log(
      `  ${p.rowsRead} lines in ${seconds.toFixed(1)} s: ${(p.rowsRead! / seconds).toFixed(0)} lines/s`,
    );
    console.log(
      `  server RSS: idle ${idle.rss.toFixed(0)} MB; at 25/50/75% of the file ${at(25)}/${at(50)}/${at(75)} MB; ` +
        `peak (VmHWM) ${memoryOf(server.pid).peak.toFixed(0)} MB`,
    );
    console.log(`  ${cpuPer('line', before, after, p.rowsRead!)}`);
    const serverMs = (after.server - before.server) / p.rowsRead!;
    const dbMs = backends ? backends.ms() / p.rowsRead! : 0;
    await monitor?.end();
    console.log(
      `  CPU per line, finer: server ${serverMs.toFixed(4)} ms` +
        (backends
          ? ` + this database's PostgreSQL backends ${dbMs.toFixed(4)} ms = ${(serverMs + dbMs).toFixed(4)} ms`
          : ''),
    );
    console.log(
      `  invoices ${p.ordersRead}: placed ${p.ordersPlaced}, already there ${p.ordersAlreadyThere}; rejected ${JSON.stringify(view.rejected)}`,
    );
    const problems: string[] = [];
    const check = (what: string, got: unknown, want: unknown) => {
      if (got !== want) problems.push(`${what}: ${got} ≠ ${want} (independent count)`);
    };
    check('lines', p.rowsRead, expected.lines);
    check('invoices', p.ordersRead, expected.invoices);
    check('orders placed', p.ordersPlaced, expected.placed);
    if (backend === 'postgres') {
      const client = new pg.Client({ connectionString: env.DATABASE_URL });
      await client.connect();
      const { rows } = await client.query(
        `select count(distinct o.id)::int as orders, count(l.id)::int as lines, sum(l.line_total)::bigint as goods
         from orders o join order_lines l on l.order_id = o.id where o.channel = 'uci'`,
      );
      await client.end();
      check('orders in the book', rows[0].orders, expected.placed);
      check('order lines in the book', rows[0].lines, expected.goodsLines);
    }
    console.log(
      problems.length
        ? `  MISMATCH: ${problems.join('; ')}`
        : '  counts agree with the independent count of the file',
    );
  } finally {
    await server.stop();
    cleanup();
  }
}

const expected = await uciExpectations(FILE);
console.log(
  `${FILE}: ${expected.lines} lines, ${expected.invoices} invoices (${expected.cancelled} cancelled, ` +
    `${expected.noGoods} without goods, ${expected.placed} to place with ${expected.goodsLines} goods lines)`,
);
for (const backend of BACKENDS) await benchBackend(backend, expected);
