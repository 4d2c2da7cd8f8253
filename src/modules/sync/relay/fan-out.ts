import { sql } from 'kysely';
import type { Db } from '../../../platform/db/database.js';
import { inTransaction } from '../../../platform/db/transaction.js';
import { newId } from '../../../platform/ids.js';
import type { RelayEvent } from '../cloud-event.js';
import { sequenceFeedAndTake } from '../event-feed.js';
import { matchesAny } from '../event-patterns.js';
import type { ReadyTargets } from '../transports/transport.js';
import { type ClaimedDelivery, type TargetRow, toTarget } from './claimed-delivery.js';

/** Key of the advisory lock that lets one relay at a time fan out (see below). */
export const FANOUT_LOCK = 0x05_1c_0f_a0;

interface PendingEvent extends RelayEvent {
  position: number;
}

interface SubscriptionRow extends TargetRow {
  event_types: string[];
}

export interface FanOutResult {
  /** Outbox events taken off the to-do list. */
  events: number;
  /** Deliveries created already claimed by this relay: it sends them right away. */
  claimed: ClaimedDelivery[];
}

/**
 * Turns pending outbox events into deliveries, one per matching subscription, in one transaction that
 * also deletes them from outbox_pending: an event is fanned out exactly when its deliveries exist.
 *
 * One relay at a time (pg_try_advisory_xact_lock; the others skip this step and only claim). That keeps
 * each order's events fanned out as a prefix in sequence order: per subject, positions are drawn under
 * the subject's row lock, so they follow sequence and commit order, and reading in position order
 * cannot take sequence 2 while sequence 1 (committed earlier, so visible) is left for later. Creating a
 * subscription takes the same lock, so no event falls between "created" and "fanned out". Before the
 * delete it appends the batch (and whatever else has committed) to the event feed (sequenceFeed, which
 * waits for FEED_LOCK while holding this one; feed readers take only FEED_LOCK, so no cycle).
 *
 * A new delivery is claimed on the spot (attempts 1, leased to this relay) when its subscription is
 * active over a ready transport and nothing of the same order is still undelivered for it; the
 * NOT EXISTS sees the table as it was before this statement, so all of one order's new events in the
 * batch are claimed together or not at all, and the relay sends them in sequence. Deliveries of a
 * paused or disabled subscription are parked (due 'infinity', see parkDeliveries) until it resumes.
 *
 *   insert into deliveries (…, attempts, locked_by, locked_until)
 *   select r.…, case when c.claim then 1 else 0 end, case when c.claim then $relay end, …
 *   from unnest($ids, $subscriptions, $events, …) as r(…)
 *   cross join lateral (
 *     select s.status = 'active' and (s.transport = any($ready) or s.id = any($consumers)) and not exists (
 *       select 1 from deliveries e where e.subscription_id = r.subscription_id
 *         and e.subject = r.subject and e.status <> 'delivered') as claim
 *     from subscriptions s where s.id = r.subscription_id) c
 *   on conflict (subscription_id, event_id) do nothing
 *   returning id, subscription_id, event_id, locked_by is not null as claimed
 */
export async function fanOut(
  db: Db,
  options: { relayId: string; batchSize: number; leaseMs: number; ready: ReadyTargets },
): Promise<FanOutResult> {
  // An idle relay polls (every RELAY_POLL_INTERVAL_MS): one statement when there is nothing to fan
  // out, not a transaction of four. A row committed just after this look waits for the next poll.
  const any = await sql<{ any: boolean }>`select exists (select 1 from outbox_pending) as any`.execute(db);
  if (!any.rows[0]?.any) return { events: 0, claimed: [] };
  return inTransaction(db, async (trx) => {
    const lock = await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(${FANOUT_LOCK}) as ok`.execute(
      trx,
    );
    if (!lock.rows[0]?.ok) return { events: 0, claimed: [] };

    const pending = await sql<PendingEvent>`
      select o.position, o.id, o.source, o.type, o.subject, o.sequence, o.time, o.data::text as "dataJson"
      from outbox_pending p join outbox o on o.position = p.position
      order by p.position
      limit ${options.batchSize}
    `.execute(trx);
    if (pending.rows.length === 0) return { events: 0, claimed: [] };

    const subscriptions = await trx
      .selectFrom('subscriptions')
      .select([
        'id',
        'transport',
        'url',
        'secret',
        'previous_secret',
        'previous_secret_expires_at',
        'event_types',
      ])
      .execute();
    const rows: Array<{ id: string; event: PendingEvent; subscription: SubscriptionRow }> = [];
    for (const event of pending.rows) {
      for (const subscription of subscriptions) {
        if (matchesAny(subscription.event_types, event.type)) rows.push({ id: newId(), event, subscription });
      }
    }

    const claimed: ClaimedDelivery[] = [];
    if (rows.length > 0) {
      const inserted = await sql<{ id: string; claimed: boolean }>`
        insert into deliveries
          (id, subscription_id, event_id, event_position, event_type, subject, sequence, next_attempt_at,
           attempts, locked_by, locked_until)
        select r.id, r.subscription_id, r.event_id, r.position, r.type, r.subject, r.sequence,
          case when c.active then now() else 'infinity' end,
          case when c.claim then 1 else 0 end,
          case when c.claim then ${options.relayId} end,
          case when c.claim then now() + ${options.leaseMs} * interval '1 millisecond' end
        from unnest(
          ${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.subscription.id)}::uuid[],
          ${rows.map((r) => r.event.id)}::uuid[], ${rows.map((r) => r.event.position)}::int8[],
          ${rows.map((r) => r.event.type)}::text[], ${rows.map((r) => r.event.subject)}::text[],
          ${rows.map((r) => r.event.sequence)}::int8[]
        ) as r(id, subscription_id, event_id, position, type, subject, sequence)
        cross join lateral (
          select s.status = 'active' as active,
            s.status = 'active' and (s.transport = any(${options.ready.transports}::text[]) or s.id = any(${options.ready.subscriptions}::uuid[])) and not exists (
            select 1 from deliveries e
            where e.subscription_id = r.subscription_id and e.subject = r.subject and e.status <> 'delivered'
          ) as claim
          from subscriptions s where s.id = r.subscription_id
        ) c
        on conflict (subscription_id, event_id) do nothing
        returning id, locked_by is not null as claimed
      `.execute(trx);
      const byId = new Map(rows.map((r) => [r.id, r]));
      const now = new Date();
      for (const row of inserted.rows) {
        const r = byId.get(row.id);
        if (!row.claimed || !r) continue;
        claimed.push({
          id: r.id,
          subscriptionId: r.subscription.id,
          attempts: 1,
          target: toTarget(r.subscription, now),
          event: r.event,
        });
      }
    }

    // The feed finds unsequenced events in outbox_pending: sequence before deleting (one statement, one
    // snapshot). This snapshot is newer than the one that read `pending`, so it covers the batch; late,
    // so the feed lock is held briefly.
    await sequenceFeedAndTake(
      trx,
      pending.rows.map((e) => e.position),
    );
    return { events: pending.rows.length, claimed };
  });
}
