import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../../platform/db/database.js';
import { inTransaction } from '../../../platform/db/transaction.js';
import { parkDeliveries } from '../deliveries.repository.js';
import { enqueue } from '../outbox.js';
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
    for (const s of disabled) {
      await enqueue(trx, 'sync', s.id, [
        {
          type: 'subscription.disabled',
          data: {
            subscription: { id: s.id, name: s.name, transport: s.transport, url: s.url },
            reason: s.disabled_reason,
            failingSince: s.failing_since.toISOString(),
          },
        },
      ]);
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
