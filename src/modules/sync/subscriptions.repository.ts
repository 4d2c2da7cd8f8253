import { type Insertable, type Selectable, sql, type Updateable } from 'kysely';
import type { Conn, Trx } from '../../platform/db/database.js';
import { toLikePatterns } from './event-patterns.js';
import type { SubscriptionStatus, SubscriptionsTable } from './sync.tables.js';

export type SubscriptionRow = Selectable<SubscriptionsTable>;

export async function insertSubscription(
  trx: Trx,
  row: Insertable<SubscriptionsTable>,
): Promise<SubscriptionRow> {
  return trx.insertInto('subscriptions').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findSubscription(db: Conn, id: string): Promise<SubscriptionRow | undefined> {
  return db.selectFrom('subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
}

/** The subscription of an in-process consumer, by the consumer's name. */
export async function findConsumerSubscription(db: Conn, name: string): Promise<SubscriptionRow | undefined> {
  return db
    .selectFrom('subscriptions')
    .selectAll()
    .where('transport', '=', 'consumer')
    .where('name', '=', name)
    .executeTakeFirst();
}

export async function listSubscriptions(
  db: Conn,
  filter: { status?: SubscriptionStatus; beforeId?: string; limit: number },
): Promise<SubscriptionRow[]> {
  let q = db.selectFrom('subscriptions').selectAll().orderBy('id', 'desc').limit(filter.limit);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.beforeId) q = q.where('id', '<', filter.beforeId);
  return q.execute();
}

export async function updateSubscription(
  trx: Trx,
  id: string,
  changes: Updateable<SubscriptionsTable>,
): Promise<SubscriptionRow | undefined> {
  return trx
    .updateTable('subscriptions')
    .set({ ...changes, updated_at: sql`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function deleteSubscription(trx: Trx, id: string): Promise<boolean> {
  const result = await trx.deleteFrom('subscriptions').where('id', '=', id).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Where a replay or a backfill starts, in outbox terms. */
export type OutboxStart = { position: number } | { time: Date };

const startsAt = (start: OutboxStart) =>
  'position' in start ? sql`o.position >= ${start.position}` : sql`o.time >= ${start.time}`;

/**
 * Creates the deliveries of a subscription for the past events it matches, from `start` on. Events
 * not fanned out yet are included too; fan-out's ON CONFLICT skips what is already there.
 *
 *   insert into deliveries (id, subscription_id, event_id, event_position, event_type, subject, sequence)
 *   select ordersync_uuidv7(), $subscription, o.id, o.position, o.type, o.subject, o.sequence
 *   from outbox o where o.position >= $from and o.type like any($patterns)
 *   order by o.position
 *   on conflict (subscription_id, event_id) do nothing
 */
export async function backfillDeliveries(
  trx: Trx,
  subscription: { id: string; eventTypes: string[] },
  start: OutboxStart,
): Promise<number> {
  const result = await sql`
    insert into deliveries (id, subscription_id, event_id, event_position, event_type, subject, sequence)
    select ordersync_uuidv7(), ${subscription.id}, o.id, o.position, o.type, o.subject, o.sequence
    from outbox o
    where ${startsAt(start)} and o.type like any(${toLikePatterns(subscription.eventTypes)}::text[])
    order by o.position
    on conflict (subscription_id, event_id) do nothing
  `.execute(trx);
  return Number(result.numAffectedRows ?? 0);
}

/**
 * Sends a subscription's deliveries from `start` on again: delivered, dead or waiting, each goes back
 * to pending with fresh attempts, due now. Deliveries in a relay's hands lose their lease too; that
 * relay's outcome is then ignored (mark-delivered is guarded by locked_by) and the event goes again.
 *
 *   update deliveries d set status = 'pending', attempts = 0, next_attempt_at = now(),
 *     locked_by = null, locked_until = null, delivered_at = null
 *   from outbox o
 *   where d.subscription_id = $s and o.position = d.event_position and o.position >= $from
 */
export async function resetDeliveries(trx: Trx, subscriptionId: string, start: OutboxStart): Promise<number> {
  const result = await sql`
    update deliveries d
    set status = 'pending', attempts = 0, next_attempt_at = now(), locked_by = null, locked_until = null,
        delivered_at = null
    from outbox o
    where d.subscription_id = ${subscriptionId} and o.position = d.event_position and ${startsAt(start)}
  `.execute(trx);
  return Number(result.numAffectedRows ?? 0);
}
