import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';

/** Linux reports process times in clock ticks of 1/100 s (USER_HZ). */
const TICK_MS = 10;

interface ProcessTimes {
  pid: number;
  ppid: number;
  command: string;
  cpuMs: number;
}

function readProcess(pid: number): ProcessTimes | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command may hold spaces and parentheses: fields are counted from the last ')'.
    const close = stat.lastIndexOf(')');
    const fields = stat.slice(close + 2).split(' ');
    return {
      pid,
      ppid: Number(fields[1]),
      command: stat.slice(stat.indexOf('(') + 1, close),
      cpuMs: (Number(fields[11]) + Number(fields[12])) * TICK_MS, // utime + stime, all threads
    };
  } catch {
    return undefined; // gone meanwhile
  }
}

const processes = () =>
  readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readProcess(Number(name)))
    .filter((p): p is ProcessTimes => p !== undefined);

function treeOf(root: number, all: ProcessTimes[]): ProcessTimes[] {
  const tree = all.filter((p) => p.pid === root);
  for (let i = 0; i < tree.length; i++) tree.push(...all.filter((p) => p.ppid === tree[i]!.pid));
  return tree;
}

const sum = (ps: ProcessTimes[]) => ps.reduce((s, p) => s + p.cpuMs, 0);

/** CPU time so far of the server's processes, PostgreSQL's, this load generator's, and the machine's. */
export interface CpuSnapshot {
  server: number;
  postgres: number;
  /** PostgreSQL's processes by pid: a backend that left between two snapshots takes its CPU with it. */
  postgresByPid: Map<number, number>;
  generator: number;
  machineBusy: number;
  machineTotal: number;
}

/** Whether a PostgreSQL process is a backend of `database` (its title: "postgres: … user database host(port) state"). */
function servesDatabase(pid: number, database: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ').includes(` ${database} `);
  } catch {
    return false;
  }
}

/**
 * With `database`, PostgreSQL's figure counts that database's backends only (not the server's
 * background processes): on a PostgreSQL shared with other benchmarks, the others' work stays out.
 */
/** `serverPid`: the server's process, or several (an API process and its `ordersync worker`). */
export function cpuSnapshot(serverPid: number | readonly number[], database?: string): CpuSnapshot {
  const all = processes();
  const usage = process.cpuUsage();
  // /proc/stat's first line: user nice system idle iowait irq softirq steal …, in ticks.
  const ticks = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.split(/\s+/).slice(1, 9).map(Number);
  const idle = ticks[3]! + ticks[4]!;
  const total = ticks.reduce((s, t) => s + t, 0);
  const postgres = all.filter(
    (p) => p.command === 'postgres' && (!database || servesDatabase(p.pid, database)),
  );
  return {
    server: sum([serverPid].flat().flatMap((pid) => treeOf(pid, all))),
    postgres: sum(postgres),
    postgresByPid: new Map(postgres.map((p) => [p.pid, p.cpuMs])),
    generator: (usage.user + usage.system) / 1000,
    machineBusy: (total - idle) * TICK_MS,
    machineTotal: total * TICK_MS,
  };
}

/** CPU time so far of one process (a PostgreSQL backend, say), 0 when it is gone. */
export function processCpuMs(pid: number): number {
  return readProcess(pid)?.cpuMs ?? 0;
}

/** "CPU per order: server 2.7 ms, PostgreSQL 2.2 ms, load generator 0.6 ms; machine 91% busy (2 cores)". */
/** PostgreSQL's CPU between two snapshots, of the processes alive at the second (new ones from zero). */
export function postgresCpu(before: CpuSnapshot, after: CpuSnapshot): number {
  let ms = 0;
  for (const [pid, cpu] of after.postgresByPid) ms += cpu - (before.postgresByPid.get(pid) ?? 0);
  return ms;
}

export function cpuPer(unit: string, before: CpuSnapshot, after: CpuSnapshot, count: number): string {
  const per = (key: 'server' | 'postgres' | 'generator') =>
    ((key === 'postgres' ? postgresCpu(before, after) : after[key] - before[key]) / count).toFixed(2);
  const busy = (after.machineBusy - before.machineBusy) / (after.machineTotal - before.machineTotal);
  return (
    `CPU per ${unit}: server ${per('server')} ms, PostgreSQL ${per('postgres')} ms, ` +
    `load generator ${per('generator')} ms; machine ${(busy * 100).toFixed(0)}% busy (${cpus().length} cores)`
  );
}

/**
 * CPU time of the PostgreSQL backends serving one database (autovacuum's included), not the whole
 * cluster's: on a shared machine other databases' work would be counted as the bench's. Backends are
 * found in pg_stat_activity; call `sample()` often (a backend that exits between samples takes its
 * last interval with it) and `ms()` for the CPU they used since `start`.
 */
export function databaseBackendsCpu(
  query: (sql: string, params: unknown[]) => Promise<{ pid: number }[]>,
  database: string,
) {
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  let started = false;
  const sample = async () => {
    const rows = await query(
      'select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()',
      [database],
    );
    for (const { pid } of rows) {
      const cpu = readProcess(pid)?.cpuMs;
      if (cpu === undefined) continue;
      // A backend there before the start counts from then; one that came later, from its start.
      if (!first.has(pid)) first.set(pid, started ? 0 : cpu);
      last.set(pid, cpu);
    }
  };
  return {
    start: async () => {
      await sample();
      started = true;
    },
    sample,
    ms: () => [...last].reduce((sum, [pid, cpu]) => sum + cpu - first.get(pid)!, 0),
  };
}
