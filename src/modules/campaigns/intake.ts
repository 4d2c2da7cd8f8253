import { AppError } from '../../platform/errors.js';

/** Places the order of one queued ticket (the ticket row holds the request); skips a settled ticket. */
export type SettleTicket = (ticketId: string) => Promise<void>;

/**
 * Where accepted campaign orders wait for a worker: the in-process queue (embedded default) or a
 * RabbitMQ queue shared by every process (`INTAKE=amqp`). A job is a ticket id; the ticket row in the
 * database is the job's truth, so a job handed out twice is still placed at most once.
 */
export interface Intake {
  readonly kind: 'memory' | 'amqp';
  /**
   * Takes a place before any await, so a burst cannot all see room that is not there; false when
   * this process already knows the intake is full. A broker's bound is only known at `submit`.
   */
  reserve(): boolean;
  /** Gives back a place that will not be used. */
  release(): void;
  /**
   * Hands the ticket over for a reserved place (the place is used up either way). Rejects with
   * `queue_full` past the bound, `service_unavailable` when the intake cannot take it now.
   */
  submit(ticketId: string): Promise<void>;
  /** Jobs waiting (for RabbitMQ: ready in the queue, not those a worker holds). */
  depth(): Promise<number>;
  /** Stops taking work and waits for the jobs in hand. */
  close(): Promise<void>;
}

export const queueFull = () =>
  new AppError('queue_full', 'Too many orders are waiting; try again shortly', { retryAfter: 1 });

export const intakeUnavailable = (why: string) =>
  new AppError('service_unavailable', `The order queue cannot take orders right now (${why})`, {
    retryAfter: 2,
  });
