import { sql } from 'kysely';
import type { Trx } from '../../../platform/db/database.js';

/**
 * A success ends a subscription's stretch of failures.
 *
 *   update subscriptions set failing_since = null where id = any($ids) and failing_since is not null
 */
export async function recordSuccesses(trx: Trx, subscriptionIds: string[]): Promise<void> {
  if (subscriptionIds.length === 0) return;
  await sql`
    update subscriptions set failing_since = null
    where id = any(${subscriptionIds}::uuid[]) and failing_since is not null
  `.execute(trx);
}

export interface DisabledSubscription {
  id: string;
  name: string;
  transport: string;
  url: string | null;
  failing_since: Date;
  disabled_reason: string;
}

/**
 * Failures start a stretch (or continue it); a webhook subscription that has had nothing but failures
 * for `disableAfterSeconds` is disabled and returned, so the caller can record the event and log it.
 * Broker transports are never disabled this way: their failures are ours, not a receiver's.
 *
 *   update subscriptions set failing_since = now() where id = any($ids) and failing_since is null;
 *   update subscriptions set status = 'disabled', disabled_reason = …, updated_at = now()
 *   where id = any($ids) and status = 'active' and transport = 'webhook'
 *     and failing_since <= now() - $after * interval '1 second'
 *   returning id, name, transport, url, failing_since, disabled_reason
 */
export async function recordFailures(
  trx: Trx,
  subscriptionIds: string[],
  disableAfterSeconds: number,
): Promise<DisabledSubscription[]> {
  if (subscriptionIds.length === 0) return [];
  await sql`
    update subscriptions set failing_since = now()
    where id = any(${subscriptionIds}::uuid[]) and failing_since is null
  `.execute(trx);
  const disabled = await sql<DisabledSubscription>`
    update subscriptions
    set status = 'disabled', updated_at = now(),
        disabled_reason = ${`every delivery failed for ${describeSeconds(disableAfterSeconds)}`}
    where id = any(${subscriptionIds}::uuid[]) and status = 'active' and transport = 'webhook'
      and failing_since <= now() - ${disableAfterSeconds} * interval '1 second'
    returning id, name, transport, url, failing_since, disabled_reason
  `.execute(trx);
  return disabled.rows;
}

const describeSeconds = (s: number): string =>
  s % 86400 === 0
    ? `${s / 86400} d`
    : s % 3600 === 0
      ? `${s / 3600} h`
      : s % 60 === 0
        ? `${s / 60} min`
        : `${s} s`;
