import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TEST_WEBHOOK_ALLOWED_HOSTS } from './test-app.js';
import { TEST_DATABASE_URL } from './test-database.js';

const cli = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));

/** A PostgreSQL URL whose connections work in `schema` (what a test file's database is). */
export function schemaUrl(schema: string, base = TEST_DATABASE_URL): string {
  const url = new URL(base);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

/**
 * `ordersync worker` (or `serve`) as a real child process (node + tsx, as production would run it), for
 * tests that kill it. `kill()` is SIGKILL: no shutdown code runs, leases stay held until they run out.
 */
export class WorkerProcess {
  #child: ChildProcess | undefined;
  #exited: Promise<void> = Promise.resolve();
  starts = 0;
  /** Where a `serve` process listens (give it PORT=0 for a free port). */
  url: string | undefined;

  constructor(
    private readonly env: Record<string, string>,
    private readonly command: 'worker' | 'serve' = 'worker',
    /** The log message that says it is ready; by default the worker's start or the first listen. */
    private readonly readyMessage?: string,
    /** The program: the CLI, or a test's own start script (e.g. a worker with a test module plugged in). */
    private readonly script = cli,
  ) {}

  /** Starts the process; resolves once it says it has started (its relay is running, or it listens). */
  start(): Promise<void> {
    const child = spawn(
      process.execPath,
      ['--import', import.meta.resolve('tsx'), this.script, this.command],
      {
        env: {
          ...process.env,
          LOG_LEVEL: 'info',
          WEBHOOK_ALLOWED_HOSTS: TEST_WEBHOOK_ALLOWED_HOSTS,
          ...this.env,
        },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    this.#child = child;
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
    this.starts++;
    return new Promise((resolve, reject) => {
      let buffered = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        const listening = /"msg":"Server listening at (http:\/\/[^"]+)"/.exec(buffered);
        if (listening) this.url = listening[1];
        const ready = this.readyMessage
          ? buffered.includes(`"msg":"${this.readyMessage}"`)
          : this.command === 'serve'
            ? listening
            : buffered.includes('"msg":"worker started"');
        if (ready) {
          buffered = '';
          resolve();
        }
        if (buffered.length > 100_000) buffered = buffered.slice(-1000);
      });
      child.once('exit', (code, signal) =>
        reject(new Error(`worker exited (${code ?? signal}) before it started`)),
      );
    });
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get running(): boolean {
    return this.#child !== undefined && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /** kill -9, and wait until it is gone. */
  async kill(): Promise<void> {
    this.#child?.kill('SIGKILL');
    await this.#exited;
  }

  /** A clean shutdown (SIGTERM), bounded; SIGKILL if it takes too long. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.#child?.kill('SIGTERM');
    const timer = setTimeout(() => this.#child?.kill('SIGKILL'), 5_000);
    await this.#exited;
    clearTimeout(timer);
  }
}
