import type { Db } from '../db/database.js';
import type { ScheduledJob } from '../scheduler.js';
import { deleteExpiredKeys } from './idempotency-keys.js';

/**
 * Deletes Idempotency-Key records past their retention (24 h by default, as Stripe keeps them): a key
 * is for retrying one request, not a log, and what it stored should not stay. Safe in several
 * processes: each deletes what it finds, a row deleted twice is deleted once.
 */
export function idempotencyExpiry(db: Db, retentionSeconds: number): ScheduledJob {
  return {
    name: 'expire idempotency keys',
    run: (now) => deleteExpiredKeys(db, new Date(now.getTime() - retentionSeconds * 1000)),
  };
}
