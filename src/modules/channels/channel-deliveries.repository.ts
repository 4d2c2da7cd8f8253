import { sql } from 'kysely';
import type { Conn, Trx } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';

/** Keeps a verified delivery once per (channel, delivery id); whether it was already there. */
export async function insertDelivery(
  db: Conn,
  d: { channelId: string; deliveryId: string; topic: string; body: string },
): Promise<{ duplicate: boolean }> {
  const inserted = await db
    .insertInto('channel_deliveries')
    .values({ id: newId(), channel_id: d.channelId, delivery_id: d.deliveryId, topic: d.topic, body: d.body })
    .onConflict((oc) => oc.columns(['channel_id', 'delivery_id']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return { duplicate: !inserted };
}

/**
 * The oldest due delivery, locked; SKIP LOCKED lets every process apply deliveries side by side.
 *
 *   select * from channel_deliveries where status = 'pending' and next_attempt_at < $now + 1 ms
 *   order by next_attempt_at, received_at, id limit 1 for update skip locked
 */
export async function claimDueDelivery(trx: Trx, now: Date) {
  // Due before the end of now's millisecond: next_attempt_at defaults to now(), with microseconds, so
  // a delivery received in the same millisecond as a JavaScript `now` is due, not a moment late.
  return trx
    .selectFrom('channel_deliveries')
    .selectAll()
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<', new Date(now.getTime() + 1))
    .orderBy('next_attempt_at')
    .orderBy('received_at')
    .orderBy('id')
    .limit(1)
    .forUpdate()
    .skipLocked()
    .executeTakeFirst();
}

export async function markDeliveryDone(trx: Trx, id: string): Promise<void> {
  await trx
    .updateTable('channel_deliveries')
    .set({ status: 'done', processed_at: sql`now()`, attempts: sql`attempts + 1`, last_error: null })
    .where('id', '=', id)
    .execute();
}

/** A failed try: again after a doubling wait (2 s … 1 h), or given up after `maxAttempts`. */
export async function markDeliveryRetry(
  db: Conn,
  id: string,
  error: string,
  maxAttempts: number,
): Promise<void> {
  await db
    .updateTable('channel_deliveries')
    .set({
      attempts: sql`attempts + 1`,
      last_error: error.slice(0, 2000),
      status: sql`case when attempts + 1 >= ${maxAttempts} then 'failed' else 'pending' end`,
      next_attempt_at: sql`now() + least(interval '1 hour', interval '1 second' * power(2, attempts + 1))`,
    })
    .where('id', '=', id)
    .where('status', '=', 'pending')
    .execute();
}
