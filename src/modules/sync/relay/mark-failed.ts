import { sql } from 'kysely';
import type { Trx } from '../../../platform/db/database.js';
import { RETRY } from './retry-schedule.js';

export interface FailedAttempt {
  id: string;
  error: string;
  status: number | null;
}

/**
 * Records failed attempts: back to pending with the next try pushed out by the retry schedule
 * (retry-schedule.ts: base · factor^(attempts-1), capped, ±jitter, times the configured scale), or, once
 * the attempts are used up, to the dead letters. The backoff is computed here, in the statement, so it
 * is one clock (the database's) for every relay.
 *
 *   update deliveries d set
 *     status = case when d.attempts >= $max then 'dead' else 'pending' end,
 *     next_attempt_at = now() + least($cap, $base * power($factor, d.attempts - 1))
 *                             * $scale * (1 - $jitter + random() * 2 * $jitter) * interval '1 second',
 *     locked_by = null, locked_until = null, last_error = f.error, last_response_status = f.status
 *   from unnest($ids, $errors, $statuses) as f(id, error, status)
 *   where d.id = f.id and d.locked_by = $relay
 *   returning d.id, d.subscription_id, d.status
 */
export async function markFailed(
  trx: Trx,
  relayId: string,
  failures: FailedAttempt[],
  retryScale: number,
): Promise<Array<{ id: string; subscription_id: string; status: 'pending' | 'dead' }>> {
  if (failures.length === 0) return [];
  const result = await sql<{ id: string; subscription_id: string; status: 'pending' | 'dead' }>`
    update deliveries d set
      status = case when d.attempts >= ${RETRY.maxAttempts} then 'dead' else 'pending' end,
      next_attempt_at = now()
        + least(${RETRY.capSeconds}::float8, ${RETRY.baseSeconds}::float8 * power(${RETRY.factor}::float8, d.attempts - 1))
          * ${retryScale}::float8 * (1 - ${RETRY.jitter}::float8 + random() * 2 * ${RETRY.jitter}::float8)
          * interval '1 second',
      locked_by = null,
      locked_until = null,
      last_error = f.error,
      last_response_status = f.status
    from unnest(${failures.map((f) => f.id)}::uuid[], ${failures.map((f) => f.error.slice(0, 1000))}::text[],
                ${failures.map((f) => f.status)}::int[]) as f(id, error, status)
    where d.id = f.id and d.locked_by = ${relayId}
    returning d.id, d.subscription_id, d.status
  `.execute(trx);
  return result.rows;
}
