import type { FastifyBaseLogger } from 'fastify';

export interface ScheduledJob {
  name: string;
  /** Does one round of work and says how many items it handled. Must be safe to run in several processes. */
  run(now: Date): Promise<number>;
}

/**
 * Runs jobs on an interval. It adds no locking of its own: each job claims its rows with
 * FOR UPDATE SKIP LOCKED and re-checks state, so any number of processes may run the same jobs.
 */
export class Scheduler {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  constructor(
    private readonly jobs: ScheduledJob[],
    private readonly intervalMs: number,
    private readonly log: FastifyBaseLogger,
  ) {}

  start(): void {
    const tick = () => {
      this.#running = this.runOnce().finally(() => {
        // jitter, so several processes do not poll in lockstep
        if (this.#timer) this.#timer = setTimeout(tick, this.intervalMs * (0.8 + Math.random() * 0.4));
      });
    };
    this.#timer = setTimeout(tick, this.intervalMs);
  }

  async runOnce(now = new Date()): Promise<void> {
    for (const job of this.jobs) {
      try {
        const n = await job.run(now);
        if (n > 0) this.log.info({ job: job.name, handled: n }, 'scheduled job ran');
      } catch (error) {
        this.log.error({ err: error, job: job.name }, 'scheduled job failed');
      }
    }
  }

  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}
