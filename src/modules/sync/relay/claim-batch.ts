import { sql } from 'kysely';
import type { Db } from '../../../platform/db/database.js';
import type { ReadyTargets } from '../transports/transport.js';
import { type ClaimedDelivery, type TargetRow, toTarget } from './claimed-delivery.js';

interface ClaimRow extends TargetRow {
  delivery_id: string;
  attempts: number;
  event_id: string;
  source: string;
  type: string;
  subject: string;
  sequence: number;
  time: Date;
  data_json: string;
}

/**
 * Claims due deliveries for this relay: retries whose backoff has passed, deliveries a crashed relay's
 * lease has run out on, and ones that waited behind an earlier event of their order.
 *
 * A delivery is claimable only at the head of its (subscription, subject): no earlier sequence of the
 * same order is undelivered for that subscription (pending, in someone's hands, or dead). So a failing
 * event holds back exactly the later events of its own order for its own subscription, and relays in
 * several processes never send one order's events out of turn. FOR UPDATE SKIP LOCKED lets relays
 * claim side by side without waiting on each other; the lease (locked_until) is what keeps a claimed
 * row from being claimed again, SKIP LOCKED only covers the instant of claiming.
 *
 *   with due as (
 *     select d.id from deliveries d join subscriptions s on s.id = d.subscription_id
 *     where d.status = 'pending' and d.next_attempt_at <= now()
 *       and (d.locked_until is null or d.locked_until < now())
 *       and s.status = 'active' and (s.transport = any($ready) or s.id = any($consumers))
 *       and not exists (select 1 from deliveries e where e.subscription_id = d.subscription_id
 *                       and e.subject = d.subject and e.sequence < d.sequence and e.status <> 'delivered')
 *     order by d.next_attempt_at limit $n
 *     for update of d skip locked)
 *   update deliveries d set locked_by = $relay, locked_until = now() + $lease, attempts = d.attempts + 1
 *   from due, outbox o, subscriptions s
 *   where d.id = due.id and o.position = d.event_position and s.id = d.subscription_id
 *   returning …
 */
export async function claimBatch(
  db: Db,
  options: { relayId: string; limit: number; leaseMs: number; ready: ReadyTargets },
): Promise<ClaimedDelivery[]> {
  const { transports, subscriptions } = options.ready;
  if (options.limit <= 0 || transports.length + subscriptions.length === 0) return [];
  const result = await sql<ClaimRow>`
    with due as (
      select d.id
      from deliveries d
      join subscriptions s on s.id = d.subscription_id
      where d.status = 'pending'
        and d.next_attempt_at <= now()
        and (d.locked_until is null or d.locked_until < now())
        and s.status = 'active'
        and (s.transport = any(${options.ready.transports}::text[]) or s.id = any(${options.ready.subscriptions}::uuid[]))
        and not exists (
          select 1 from deliveries e
          where e.subscription_id = d.subscription_id and e.subject = d.subject
            and e.sequence < d.sequence and e.status <> 'delivered'
        )
      order by d.next_attempt_at
      limit ${options.limit}
      for update of d skip locked
    )
    update deliveries d
    set locked_by = ${options.relayId},
        locked_until = now() + ${options.leaseMs} * interval '1 millisecond',
        attempts = d.attempts + 1
    from due, outbox o, subscriptions s
    where d.id = due.id and o.position = d.event_position and s.id = d.subscription_id
    returning d.id as delivery_id, d.attempts, o.id as event_id, o.source, o.type, o.subject, o.sequence,
      o.time, o.data::text as data_json, s.id, s.transport, s.url, s.secret, s.previous_secret, s.previous_secret_expires_at
  `.execute(db);
  const now = new Date();
  return result.rows.map((r) => ({
    id: r.delivery_id,
    subscriptionId: r.id,
    attempts: r.attempts,
    target: toTarget(r, now),
    event: {
      id: r.event_id,
      source: r.source,
      type: r.type,
      subject: r.subject,
      sequence: Number(r.sequence),
      time: r.time,
      dataJson: r.data_json,
    },
  }));
}
