import type { BuyInput } from './campaigns.schemas.js';

type Handler = (ticketId: string, campaignId: string, input: BuyInput, gated: boolean) => Promise<void>;

interface Job {
  ticketId: string;
  campaignId: string;
  input: BuyInput;
  gated: boolean;
}

/**
 * The queued intake in one process: accepted campaign orders wait here and a few workers place
 * them, so a burst of buyers becomes a steady stream for the database. Bounded: past `bound`
 * waiting jobs, new buyers are told to come back (429). Tickets live in the database, so a job is
 * placed at most once even if handed out twice (see markTicketPlaced).
 */
export class IntakeQueue {
  readonly #jobs: Job[] = [];
  #active = 0;
  #reserved = 0;
  #idle: Array<() => void> = [];

  constructor(
    private readonly bound: number,
    private readonly handle: Handler,
    private readonly concurrency = 4,
  ) {}

  depth(): number {
    return this.#reserved + this.#jobs.length + this.#active;
  }

  /** Holds a place for a job about to be pushed; false when the queue is at its bound. */
  reserveSlot(): boolean {
    if (this.depth() >= this.bound) return false;
    this.#reserved++;
    return true;
  }

  releaseSlot(): void {
    this.#reserved--;
  }

  /** Turns a reserved place into a job. */
  push(ticketId: string, campaignId: string, input: BuyInput, gated: boolean): void {
    this.#reserved--;
    this.#jobs.push({ ticketId, campaignId, input, gated });
    this.#pump();
  }

  /** Resolves once nothing is waiting or running (shutdown, tests). */
  drained(): Promise<void> {
    if (this.depth() === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #pump(): void {
    while (this.#active < this.concurrency && this.#jobs.length > 0) {
      const job = this.#jobs.shift()!;
      this.#active++;
      this.handle(job.ticketId, job.campaignId, job.input, job.gated)
        .catch(() => undefined) // the handler records its own failures on the ticket
        .finally(() => {
          this.#active--;
          this.#pump();
          if (this.depth() === 0) for (const resolve of this.#idle.splice(0)) resolve();
        });
    }
  }
}
