import { Worker } from 'node:worker_threads';

export interface ThreadResult<R> {
  rows: R[];
  affectedRows?: number;
}

interface Reply {
  id?: number;
  rows?: unknown[];
  affectedRows?: number;
  error?: Record<string, unknown> & { message: string };
  ready?: boolean;
  failed?: { message: string };
  closed?: boolean;
}

/**
 * PostgreSQL settings the embedded database starts with (`-c name=value`), in place of PGlite's
 * PostgreSQL defaults where they cost memory that a small embedded database does not use: the buffers
 * live in PGlite's WebAssembly memory, which grows to hold them and never shrinks. PGLITE_SETTINGS
 * adds to these (a setting named again replaces its default).
 */
export const PGLITE_DEFAULT_SETTINGS: readonly string[] = [
  'shared_buffers=16MB',
  'wal_buffers=1MB',
  'work_mem=2MB',
  'maintenance_work_mem=16MB',
  'temp_buffers=2MB',
];

const PGLITE_THREAD_YOUNG_MB = 12;

/**
 * Embedded PGlite on a worker thread of its own. PGlite runs PostgreSQL as WebAssembly, synchronously:
 * on the main thread it took well over half of each request's time, and the HTTP work waited for it.
 * Here the database works on one core while the API parses, validates and answers on the other.
 * Queries run in the order they are sent (see the worker).
 */
export class PGliteThread {
  readonly #worker: Worker;
  readonly #pending = new Map<
    number,
    { resolve: (r: ThreadResult<unknown>) => void; reject: (e: Error) => void }
  >();
  #nextId = 1;
  #closed?: () => void;
  readonly #exited: Promise<void>;
  readonly waitReady: Promise<void>;

  /**
   * `settings`: PostgreSQL `name=value` settings, after PGLITE_DEFAULT_SETTINGS (the later one wins).
   * `snapshot`: a file written by snapshot(), to start from instead of an empty in-memory database.
   */
  constructor(dataDir: string | undefined, settings: readonly string[] = [], snapshot?: string) {
    this.#worker = new Worker(new URL('./pglite-thread.worker.js', import.meta.url), {
      workerData: { dataDir, settings: [...PGLITE_DEFAULT_SETTINGS, ...settings], snapshot },
      // The thread's V8 heap holds little for long (a query's rows until they are posted): a young
      // generation of PGLITE_THREAD_YOUNG_MB in place of V8's default (32 MB of semi-spaces).
      resourceLimits: { maxYoungGenerationSizeMb: PGLITE_THREAD_YOUNG_MB },
    });
    this.waitReady = new Promise((resolve, reject) => {
      this.#worker.on('message', (reply: Reply) => {
        if (reply.id !== undefined) return this.#settle(reply);
        if (reply.ready) resolve();
        else if (reply.failed) reject(Object.assign(new Error(reply.failed.message), reply.failed));
        else if (reply.closed) this.#closed?.();
      });
      this.#worker.once('error', (error) => {
        reject(error);
        this.#failAll(error);
      });
    });
    this.#exited = new Promise((resolve) =>
      this.#worker.once('exit', (code) => {
        this.#failAll(new Error(`The PGlite thread stopped (exit code ${code})`));
        resolve();
      }),
    );
  }

  query<R>(sql: string, params: readonly unknown[]): Promise<ThreadResult<R>> {
    return this.#request({ sql, params }) as Promise<ThreadResult<R>>;
  }

  /** Writes the whole database to `file` (a tar of its data directory), after the queries sent before. */
  async snapshot(file: string): Promise<void> {
    await this.#request({ snapshotTo: file });
  }

  /** A message the thread answers in turn with the queries (its reply's id is the message's). */
  #request(message: object): Promise<ThreadResult<unknown>> {
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, ...message });
    });
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => {
      this.#closed = resolve;
    });
    this.#worker.postMessage({ close: true });
    await Promise.race([closed, this.#exited]);
    await this.#worker.terminate();
  }

  #settle(reply: Reply): void {
    const waiter = this.#pending.get(reply.id!);
    if (!waiter) return;
    this.#pending.delete(reply.id!);
    if (reply.error) waiter.reject(Object.assign(new Error(reply.error.message), reply.error));
    else waiter.resolve({ rows: reply.rows ?? [], affectedRows: reply.affectedRows });
  }

  #failAll(error: Error): void {
    for (const waiter of this.#pending.values()) waiter.reject(error);
    this.#pending.clear();
  }
}
