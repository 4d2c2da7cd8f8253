import { hostname } from 'node:os';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../../platform/db/database.js';
import { newId } from '../../../platform/ids.js';
import type { OrderHooks } from '../../orders/index.js';
import { type ChannelImportRow, claimStalledImport, releaseImport } from './imports.repository.js';
import { LostLease, runImport } from './run-import.js';

/** Attempts (takeovers included) after which an import that keeps failing is given up. */
const MAX_ATTEMPTS = 5;

/**
 * Runs a process's file imports in the background, one at a time, and takes over those whose worker
 * died (their lease lapsed) — the job `resume file imports` asks it to. The request that uploads a file
 * only starts it here; its progress is in the table for any process to show.
 */
export class ImportRunner {
  /** This process, as `locked_by` names it. */
  readonly owner = `${hostname()}:${process.pid}:${newId().slice(-12)}`;
  readonly #running = new Set<Promise<void>>();

  constructor(
    private readonly db: Db,
    private readonly log: FastifyBaseLogger,
    private readonly leaseSeconds: number,
    private readonly orderHooks: OrderHooks,
    private readonly batchLines?: number,
  ) {}

  get busy(): boolean {
    return this.#running.size > 0;
  }

  /** Starts a job this process already holds (it was inserted claimed, or claimed by `resumeStalled`). */
  start(job: ChannelImportRow): void {
    const run = this.#run(job).finally(() => this.#running.delete(run));
    this.#running.add(run);
  }

  /** Claims one import nobody is working on and starts it; 1 if it did. Safe in any number of processes. */
  async resumeStalled(): Promise<number> {
    if (this.busy) return 0;
    const job = await claimStalledImport(this.db, this.owner, this.leaseSeconds);
    if (!job) return 0;
    this.log.info(
      { import: job.id, line: job.checkpoint_line, attempt: job.attempts },
      'file import taken over',
    );
    this.start(job);
    return 1;
  }

  /** Waits for the imports running here, if any (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running);
  }

  async #run(job: ChannelImportRow): Promise<void> {
    try {
      await runImport(this.db, job, this.owner, {
        leaseSeconds: this.leaseSeconds,
        orderHooks: this.orderHooks,
        batchLines: this.batchLines,
      });
      this.log.info({ import: job.id }, 'file import finished');
    } catch (error) {
      if (error instanceof LostLease) {
        this.log.warn({ import: job.id }, error.message);
        return;
      }
      this.log.error({ err: error, import: job.id }, 'file import failed');
      const giveUp = job.attempts >= MAX_ATTEMPTS || isFileProblem(error);
      await releaseImport(this.db, job.id, this.owner, messageOf(error), giveUp).catch((e) =>
        this.log.error({ err: e, import: job.id }, 'could not release a failed file import'),
      );
    }
  }
}

/** A file that cannot be read (gone, or its gzip broken) will not read better next time. */
const isFileProblem = (error: unknown) =>
  ['ENOENT', 'Z_DATA_ERROR', 'Z_BUF_ERROR', 'ERR_INVALID_STATE'].includes(
    (error as { code?: string }).code ?? '',
  );

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error)).slice(0, 500);

const runners = new WeakMap<Db, ImportRunner>();

/** The process's runner for a database (routes and the scheduled job share it). */
export function importRunnerFor(deps: {
  db: Db;
  log: FastifyBaseLogger;
  orderHooks: OrderHooks;
  config: { importLeaseSeconds: number; importBatchLines?: number };
}) {
  let runner = runners.get(deps.db);
  if (!runner) {
    runner = new ImportRunner(
      deps.db,
      deps.log,
      deps.config.importLeaseSeconds,
      deps.orderHooks,
      deps.config.importBatchLines,
    );
    runners.set(deps.db, runner);
  }
  return runner;
}
