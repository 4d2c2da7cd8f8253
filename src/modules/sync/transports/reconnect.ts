const MIN_MS = 250;
const MAX_MS = 30_000;

/**
 * Keeps trying to connect a broker link in the background: one attempt at a time, and after a failed
 * one (or a lost connection, `retryLater`) another after an exponential backoff with jitter, 250 ms up
 * to 30 s, until one succeeds or the link is closed. `attempt` throws when it did not connect.
 */
export class Reconnect {
  #attempting: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #failures = 0;
  #closed = false;
  /** Why the link is not up, for readiness checks and errors. */
  lastError: string | undefined;

  constructor(private readonly attempt: () => Promise<void>) {}

  /** Starts an attempt unless one is running or waiting. */
  start(): void {
    if (this.#closed || this.#attempting || this.#timer) return;
    this.#attempting = this.#run().finally(() => {
      this.#attempting = undefined;
    });
  }

  /** Failed attempts since the link was last up (a link that was down says so when it is back). */
  get failures(): number {
    return this.#failures;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The connection was lost: try again after the backoff. */
  retryLater(): void {
    if (this.#closed || this.#timer) return;
    const backoff = Math.min(MAX_MS, MIN_MS * 2 ** this.#failures);
    this.#failures++;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        this.start();
      },
      backoff * (0.5 + Math.random() * 0.5),
    );
  }

  /** Starts connecting if need be and waits until `ready()` or `timeoutMs` has passed; says which. */
  async waitUntil(ready: () => boolean, timeoutMs: number): Promise<boolean> {
    this.start();
    const deadline = Date.now() + timeoutMs;
    while (!ready() && Date.now() < deadline && !this.#closed) await new Promise((r) => setTimeout(r, 25));
    return ready();
  }

  /** Stops retrying and waits for an attempt in flight. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#attempting?.catch(() => {});
  }

  async #run(): Promise<void> {
    try {
      await this.attempt();
      this.#failures = 0;
      this.lastError = undefined;
    } catch (error) {
      this.lastError = (error as Error).message;
      this.retryLater();
    }
  }
}
