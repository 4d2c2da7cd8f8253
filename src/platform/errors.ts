/**
 * The one error type of the domain. Code decides the HTTP status at the edge (http/problem.ts);
 * domain code never imports HTTP.
 */
export type ErrorCode =
  | 'validation_failed'
  | 'not_found'
  | 'conflict'
  | 'insufficient_stock'
  | 'illegal_transition'
  | 'stale_version'
  | 'idempotency_key_reused'
  | 'idempotency_in_progress'
  | 'unauthorized'
  | 'forbidden'
  | 'unprocessable'
  /** An outside party (payment provider, carrier) failed or answered nonsense. */
  | 'upstream_failed'
  | 'sold_out'
  | 'limit_reached'
  /** A market rule (compliance) forbids the order: the problem names the rule and the reason. */
  | 'market_rule_refused'
  | 'campaign_closed'
  | 'rate_limited'
  | 'queue_full'
  /** A body larger than the operation takes (a file import past IMPORT_MAX_BYTES). */
  | 'payload_too_large'
  /** A body in a format the operation does not read. */
  | 'unsupported_media_type'
  /** A service this request needs (the intake's broker) is away; try again shortly. */
  | 'service_unavailable';

export interface FieldError {
  field: string;
  message: string;
}

/** Failures of another party or service, whose stack is worth logging; every other code is an answer. */
const TRACED: ReadonlySet<ErrorCode> = new Set(['upstream_failed', 'service_unavailable']);

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: { errors?: FieldError[]; [key: string]: unknown } = {},
    options?: { cause?: unknown },
  ) {
    // A refusal is an expected answer, thousands a second in a sale: capturing its stack trace
    // cost more than the rest of the answer, and nobody reads it.
    const depth = Error.stackTraceLimit;
    if (!TRACED.has(code)) Error.stackTraceLimit = 0;
    super(message, options);
    Error.stackTraceLimit = depth;
    this.name = 'AppError';
  }
}

export const notFound = (what: string, id: string) =>
  new AppError('not_found', `${what} ${id} was not found`);

export const invalid = (errors: FieldError[], message = 'The request is not valid') =>
  new AppError('validation_failed', message, { errors });
