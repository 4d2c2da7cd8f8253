import { sql } from 'kysely';
import type { Conn } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';

/**
 * Takes the next channel due for reconciliation and moves its next run `intervalSeconds` ahead in the
 * same statement, so that another process passes it by (SKIP LOCKED) and a crashed run is simply
 * retried at the next interval. Channels get their state row on first sight.
 *
 *   update channel_sync_state set next_reconcile_at = $now + interval
 *   where channel_id = (select … where next_reconcile_at <= $now … for update skip locked limit 1)
 *   returning *
 */
export async function claimDueReconciliation(
  db: Conn,
  kinds: readonly string[],
  now: Date,
  intervalSeconds: number,
) {
  await ensureSyncState(db, kinds, now);
  const { rows } = await sql<{ channel_id: string; watermark: Date | null }>`
    update channel_sync_state set next_reconcile_at = ${now}::timestamptz + ${intervalSeconds} * interval '1 second'
    where channel_id = (
      select s.channel_id from channel_sync_state s join channels c on c.id = s.channel_id
      where s.next_reconcile_at <= ${now} and c.enabled and c.kind in (${sql.join(kinds)})
      order by s.next_reconcile_at limit 1 for update of s skip locked
    )
    returning channel_id, watermark
  `.execute(db);
  return rows[0];
}

/** Channels get their state row on first sight, due at once for both jobs. */
async function ensureSyncState(db: Conn, kinds: readonly string[], now: Date) {
  await sql`
    insert into channel_sync_state (channel_id, next_reconcile_at, next_count_check_at)
    select id, ${now}::timestamptz, ${now}::timestamptz from channels where kind in (${sql.join(kinds)}) and enabled
    on conflict (channel_id) do nothing
  `.execute(db);
}

/** The next channel due for its daily count check, moved a day ahead in the same statement (as above). */
export async function claimDueCountCheck(db: Conn, kinds: readonly string[], now: Date) {
  await ensureSyncState(db, kinds, now);
  const { rows } = await sql<{ channel_id: string }>`
    update channel_sync_state set next_count_check_at = ${now}::timestamptz + interval '1 day'
    where channel_id = (
      select s.channel_id from channel_sync_state s join channels c on c.id = s.channel_id
      where s.next_count_check_at <= ${now} and c.enabled and c.kind in (${sql.join(kinds)})
      order by s.next_count_check_at limit 1 for update of s skip locked
    )
    returning channel_id
  `.execute(db);
  return rows[0];
}

/**
 * The channel orders we hold that the channel created in [from, to) (its own `createdAt`, else the
 * first snapshot's time), placed or held.
 */
export async function countChannelOrdersCreated(db: Conn, channelId: string, from: Date, to: Date) {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from channel_orders
    where channel_id = ${channelId}
      and coalesce(snapshot->>'createdAt', snapshot->>'updatedAt')::timestamptz >= ${from}
      and coalesce(snapshot->>'createdAt', snapshot->>'updatedAt')::timestamptz < ${to}
  `.execute(db);
  return rows[0]!.n;
}

export async function recordOrderCount(
  db: Conn,
  row: {
    channel_id: string;
    day: string;
    channel_count: number;
    our_count_before: number;
    our_count: number;
  },
) {
  await db
    .insertInto('channel_order_counts')
    .values(row)
    .onConflict((oc) =>
      oc.columns(['channel_id', 'day']).doUpdateSet((eb) => ({
        channel_count: eb.ref('excluded.channel_count'),
        our_count_before: eb.ref('excluded.our_count_before'),
        our_count: eb.ref('excluded.our_count'),
        checked_at: sql`now()`,
      })),
    )
    .execute();
}

export async function recordReconciled(db: Conn, channelId: string, watermark: Date, error: string | null) {
  await db
    .updateTable('channel_sync_state')
    .set(
      error
        ? { last_error: error.slice(0, 2000), last_error_at: sql`now()` }
        : { watermark, last_reconciled_at: sql`now()`, last_error: null },
    )
    .where('channel_id', '=', channelId)
    .execute();
}

export async function recordIncident(
  db: Conn,
  channelId: string,
  kind: 'error' | 'throttled',
  message: string,
) {
  await db
    .insertInto('channel_incidents')
    .values({ id: newId(), channel_id: channelId, kind, message: message.slice(0, 1000) })
    .execute();
}

export async function forgetOldIncidents(db: Conn, now: Date): Promise<number> {
  const r = await db
    .deleteFrom('channel_incidents')
    .where('at', '<', new Date(now.getTime() - 24 * 3600_000))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** What GET /v1/channels/{id} shows about how the channel is doing. */
export async function readChannelHealth(db: Conn, channelId: string, now: Date) {
  const hourAgo = new Date(now.getTime() - 3600_000);
  const [state, orders, incidents, deliveries, counts] = await Promise.all([
    db.selectFrom('channel_sync_state').selectAll().where('channel_id', '=', channelId).executeTakeFirst(),
    db
      .selectFrom('channel_orders')
      .select([
        sql<Date | null>`max(received_at)`.as('last_received'),
        sql<number>`count(*) filter (where state = 'held')::int`.as('held'),
      ])
      .where('channel_id', '=', channelId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('channel_incidents')
      .select([
        sql<number>`count(*) filter (where kind = 'error')::int`.as('errors'),
        sql<number>`count(*) filter (where kind = 'throttled')::int`.as('throttled'),
      ])
      .where('channel_id', '=', channelId)
      .where('at', '>=', hourAgo)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('channel_deliveries')
      .select([
        sql<number>`count(*) filter (where status = 'pending')::int`.as('pending'),
        sql<number>`count(*) filter (where status = 'failed')::int`.as('failed'),
      ])
      .where('channel_id', '=', channelId)
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('channel_order_counts')
      .select([
        sql<string>`day::text`.as('day'),
        'channel_count',
        'our_count_before',
        'our_count',
        'checked_at',
      ])
      .where('channel_id', '=', channelId)
      .orderBy('day', 'desc')
      .limit(7)
      .execute(),
  ]);
  return { state, orders, incidents, deliveries, counts };
}
