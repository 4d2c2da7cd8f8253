import type { Intake, SettleTicket } from './intake.js';

/**
 * The queued intake in one process: accepted campaign orders wait here and a few workers place
 * them, so a burst of buyers becomes a steady stream for the database. Bounded: past `bound`
 * waiting jobs, new buyers are told to come back (429). Tickets live in the database, so a job is
 * placed at most once even if handed out twice (the order's statement takes the ticket, see
 * campaignOrderWrites).
 */
export class IntakeQueue implements Intake {
  readonly kind = 'memory' as const;
  readonly #jobs: string[] = [];
  #active = 0;
  #reserved = 0;
  #idle: Array<() => void> = [];

  constructor(
    private readonly bound: number,
    private readonly settle: SettleTicket,
    private readonly concurrency = 4,
  ) {}

  async depth(): Promise<number> {
    return this.#depth();
  }

  reserve(): boolean {
    if (this.#depth() >= this.bound) return false;
    this.#reserved++;
    return true;
  }

  release(): void {
    this.#reserved--;
  }

  /** Turns a reserved place into a job; never refuses (the place was checked by `reserve`). */
  submit(ticketId: string): Promise<void> {
    this.#reserved--;
    this.#jobs.push(ticketId);
    this.#pump();
    return Promise.resolve();
  }

  /** Resolves once nothing is waiting or running (shutdown, tests). */
  close(): Promise<void> {
    if (this.#depth() === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #depth(): number {
    return this.#reserved + this.#jobs.length + this.#active;
  }

  #pump(): void {
    while (this.#active < this.concurrency && this.#jobs.length > 0) {
      const ticketId = this.#jobs.shift()!;
      this.#active++;
      this.settle(ticketId)
        .catch(() => undefined) // the handler records its own failures on the ticket
        .finally(() => {
          this.#active--;
          this.#pump();
          if (this.#depth() === 0) for (const resolve of this.#idle.splice(0)) resolve();
        });
    }
  }
}
