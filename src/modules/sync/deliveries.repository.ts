import { type Selectable, sql } from 'kysely';
import type { Conn, Trx } from '../../platform/db/database.js';
import type { DeliveriesTable, DeliveryStatus } from './sync.tables.js';

export type DeliveryRow = Selectable<DeliveriesTable>;

export async function listDeliveries(
  db: Conn,
  filter: {
    status?: DeliveryStatus;
    subscriptionId?: string;
    subject?: string;
    beforeId?: string;
    limit: number;
  },
): Promise<DeliveryRow[]> {
  let q = db.selectFrom('deliveries').selectAll().orderBy('id', 'desc').limit(filter.limit);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.subscriptionId) q = q.where('subscription_id', '=', filter.subscriptionId);
  if (filter.subject) q = q.where('subject', '=', filter.subject);
  if (filter.beforeId) q = q.where('id', '<', filter.beforeId);
  return q.execute();
}

export async function findDelivery(db: Conn, id: string): Promise<DeliveryRow | undefined> {
  return db.selectFrom('deliveries').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Makes a dead or waiting delivery due now with a fresh set of attempts.
 *
 *   update deliveries set status = 'pending', attempts = 0, next_attempt_at = now(),
 *     locked_by = null, locked_until = null
 *   where id = $id and status <> 'delivered' returning *
 */
export async function retryDelivery(trx: Trx, id: string): Promise<DeliveryRow | undefined> {
  return trx
    .updateTable('deliveries')
    .set({ status: 'pending', attempts: 0, next_attempt_at: sql`now()`, locked_by: null, locked_until: null })
    .where('id', '=', id)
    .where('status', '<>', 'delivered')
    .returningAll()
    .executeTakeFirst();
}

/** Counts for /metrics: events not yet fanned out, pending and dead deliveries, the oldest waiting. */
export async function readBacklog(db: Conn) {
  const result = await sql<{ events: number; deliveries: number; dead: number; oldest: Date | null }>`
    select
      (select count(*) from outbox_pending)::int as events,
      (select count(*) from deliveries where status = 'pending')::int as deliveries,
      (select count(*) from deliveries where status = 'dead')::int as dead,
      least(
        (select min(o.time) from outbox_pending p join outbox o on o.position = p.position),
        (select min(created_at) from deliveries where status = 'pending')
      ) as oldest
  `.execute(db);
  const row = result.rows[0]!;
  return {
    events: row.events,
    deliveries: row.deliveries,
    dead: row.dead,
    oldestAgeSeconds: row.oldest ? Math.max(0, (Date.now() - new Date(row.oldest).getTime()) / 1000) : 0,
  };
}

/**
 * Parks the waiting deliveries of subscriptions that stopped (paused, disabled): due 'infinity', so
 * the claim's index scan (next_attempt_at <= now()) never walks over them, however many pile up.
 *
 *   update deliveries set next_attempt_at = 'infinity'
 *   where subscription_id = any($ids) and status = 'pending'
 */
export async function parkDeliveries(trx: Trx, subscriptionIds: string[]): Promise<void> {
  if (subscriptionIds.length === 0) return;
  await sql`
    update deliveries set next_attempt_at = 'infinity'
    where subscription_id = any(${subscriptionIds}::uuid[]) and status = 'pending'
  `.execute(trx);
}

/**
 * Makes a resumed subscription's parked deliveries due now. The caller holds the fan-out lock, so no
 * fan-out that still saw the subscription stopped can park more after this.
 *
 *   update deliveries set next_attempt_at = now()
 *   where subscription_id = $id and status = 'pending' and next_attempt_at = 'infinity'
 */
export async function unparkDeliveries(trx: Trx, subscriptionId: string): Promise<void> {
  await sql`
    update deliveries set next_attempt_at = now()
    where subscription_id = ${subscriptionId} and status = 'pending' and next_attempt_at = 'infinity'
  `.execute(trx);
}
