import type { FastifyBaseLogger } from 'fastify';
import { sql } from 'kysely';
import type { Db } from '../../../platform/db/database.js';
import { inTransaction } from '../../../platform/db/transaction.js';
import { parkDeliveries } from '../deliveries.repository.js';
import { enqueueEach } from '../outbox.js';
import { markDelivered } from './mark-delivered.js';
import { type FailedAttempt, markFailed } from './mark-failed.js';
import { releaseDeliveries } from './release.js';
import { recordFailures, recordSuccesses } from './subscription-health.js';

/** What happened to one round of claimed deliveries. */
export interface RoundOutcome {
  delivered: Array<{ id: string; subscriptionId: string }>;
  failed: Array<FailedAttempt & { subscriptionId: string }>;
  released: string[];
}

export interface SettleOptions {
  relayId: string;
  retryScale: number;
  disableAfterSeconds: number;
  log: FastifyBaseLogger;
}

/**
 * Writes a round's outcome in one transaction: delivered, failed (backoff or dead letter), released,
 * and each subscription's health, disabling a webhook that has failed for too long, which is itself an
 * event (`subscription.disabled`, written to the outbox here) and a log line.
 */
export async function settleRound(db: Db, outcome: RoundOutcome, options: SettleOptions) {
  if (outcome.failed.length === 0) {
    // The common round, nothing failed: one statement (its own transaction), no subscription to disable.
    await settleWithoutFailures(db, options.relayId, outcome);
    return { dead: 0, disabled: 0 };
  }
  return inTransaction(db, async (trx) => {
    await markDelivered(
      trx,
      options.relayId,
      outcome.delivered.map((d) => d.id),
    );
    const failed = await markFailed(trx, options.relayId, outcome.failed, options.retryScale);
    await releaseDeliveries(trx, options.relayId, outcome.released);

    // A subscription with any success this round is healthy; one with only failures is failing.
    const succeeded = new Set(outcome.delivered.map((d) => d.subscriptionId));
    await recordSuccesses(trx, [...succeeded]);
    const failing = [...new Set(outcome.failed.map((f) => f.subscriptionId))].filter(
      (id) => !succeeded.has(id),
    );
    const disabled = await recordFailures(trx, failing, options.disableAfterSeconds);
    await parkDeliveries(
      trx,
      disabled.map((s) => s.id),
    );
    await enqueueEach(
      trx,
      'sync',
      disabled.map((s) => ({
        subject: s.id,
        type: 'subscription.disabled' as const,
        data: {
          subscription: { id: s.id, name: s.name, transport: s.transport, url: s.url },
          reason: s.disabled_reason,
          failingSince: s.failing_since.toISOString(),
        },
      })),
    );
    for (const s of disabled) {
      options.log.warn(
        {
          subscription: s.id,
          name: s.name,
          url: s.url,
          failingSince: s.failing_since,
          reason: s.disabled_reason,
        },
        'subscription disabled: its endpoint has failed every delivery for too long',
      );
    }
    return { dead: failed.filter((f) => f.status === 'dead').length, disabled: disabled.length };
  });
}

/**
 * A round without failures in one statement: delivered and released recorded (guarded by locked_by as
 * in markDelivered and releaseDeliveries), the delivering subscriptions healthy (recordSuccesses).
 *
 *   with delivered as (update deliveries set status = 'delivered', … where id = any($delivered) and locked_by = $relay),
 *   released as (update deliveries set locked_by = null, …, attempts = greatest(attempts - 1, 0)
 *                where id = any($released) and locked_by = $relay)
 *   update subscriptions set failing_since = null where id = any($succeeded) and failing_since is not null
 */
async function settleWithoutFailures(db: Db, relayId: string, outcome: RoundOutcome): Promise<void> {
  const { delivered, released } = outcome;
  if (delivered.length + released.length === 0) return;
  const succeeded = [...new Set(delivered.map((d) => d.subscriptionId))];
  await sql`
    with delivered as (
      update deliveries
      set status = 'delivered', delivered_at = now(), locked_by = null, locked_until = null
      where id = any(${delivered.map((d) => d.id)}::uuid[]) and locked_by = ${relayId}
    ),
    released as (
      update deliveries
      set locked_by = null, locked_until = null, attempts = greatest(attempts - 1, 0)
      where id = any(${released}::uuid[]) and locked_by = ${relayId}
    )
    update subscriptions set failing_since = null
    where id = any(${succeeded}::uuid[]) and failing_since is not null
  `.execute(db);
}
