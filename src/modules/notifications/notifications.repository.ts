import { type Insertable, type Selectable, sql } from 'kysely';
import type { Conn, Trx } from '../../platform/db/database.js';
import { anyUuid, insertRows } from '../../platform/db/row-sets.js';
import type { Channel } from './notification-kinds.js';
import type { NotificationsTable } from './notifications.tables.js';

export type NotificationRow = Selectable<NotificationsTable>;
export type NewNotification = Insertable<NotificationsTable>;

/** insert … on conflict (dedupe_key) do nothing: a message is made once, however often its event comes. */
export async function insertNotifications(trx: Trx, rows: NewNotification[]): Promise<void> {
  if (rows.length === 0) return;
  await insertRows(
    trx,
    'notifications',
    rows.map((r) => ({ ...r, sms_params: r.sms_params ?? null })),
    ['sms_params'],
  )
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .execute();
}

export function findNotification(db: Conn, id: string) {
  return db.selectFrom('notifications').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listNotifications(
  db: Conn,
  f: { orderId?: string; customerId?: string; status?: string; limit: number },
) {
  let q = db
    .selectFrom('notifications')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(f.limit);
  if (f.orderId) q = q.where('order_id', '=', f.orderId);
  if (f.customerId) q = q.where('customer_id', '=', f.customerId);
  if (f.status) q = q.where('status', '=', f.status as NotificationRow['status']);
  return q.execute();
}

/**
 * Claims due messages for one sender under a lease, spending one attempt each:
 *   update notifications set locked_by = $me, locked_until = now() + lease, attempts = attempts + 1
 *   where id in (select id from notifications where status = 'pending' and next_attempt_at <= now()
 *                and (locked_until is null or locked_until < now())
 *                order by next_attempt_at limit $n for update skip locked)
 * SKIP LOCKED lets any number of senders share the work; a sender that dies leaves its lease to run
 * out and another takes the message again (so a crash between the SMTP server's 250 and recording it
 * can send twice — the only duplicate there is, and the Message-ID stays the same). One statement, no
 * transaction of its own: the update and its locking subquery are atomic together.
 */
export async function claimDueNotifications(db: Conn, me: string, now: Date, leaseMs: number, limit: number) {
  const due = db
    .selectFrom('notifications')
    .select('id')
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
    .orderBy('next_attempt_at')
    .limit(limit)
    .forUpdate()
    .skipLocked();
  return db
    .updateTable('notifications')
    .set((eb) => ({
      locked_by: me,
      locked_until: new Date(now.getTime() + leaseMs),
      attempts: eb('attempts', '+', 1),
    }))
    .where('id', 'in', due)
    .returningAll()
    .execute();
}

/**
 * Skips, now, every pending message of a channel this sender has no provider for, with why — also
 * one that would wait for later (a non-urgent SMS held until 08:00), so the log says at once that it
 * will not go. A message another sender holds under its lease is left to it:
 *   update notifications set status = 'skipped', skip_reason = case channel when … end
 *   where status = 'pending' and channel in ($missing) and (locked_until is null or locked_until < now())
 */
export async function skipUnsendable(
  db: Conn,
  reasons: Partial<Record<Channel, string>>,
  now: Date,
): Promise<number> {
  const channels = Object.keys(reasons) as Channel[];
  if (channels.length === 0) return 0;
  const reason = sql<string>`case channel ${sql.join(
    channels.map((c) => sql`when ${c} then ${reasons[c]}`),
    sql` `,
  )} end`;
  const result = await db
    .updateTable('notifications')
    .set({ status: 'skipped', skip_reason: reason })
    .where('status', '=', 'pending')
    .where('channel', 'in', channels)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', now)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** Outcomes are recorded only while the lease is still this sender's. */
const mine = (trx: Trx, id: string, me: string) =>
  trx
    .updateTable('notifications')
    .where('id', '=', id)
    .where('locked_by', '=', me)
    .where('status', '=', 'pending');

/**
 * A sender round's sent messages at once, those whose lease is still this sender's; returns their ids:
 *   update notifications n set status = 'sent', sent_at = s.at, provider_message_id = s.pid, …
 *   from unnest($ids, $times, $pids) s(id, at, pid)
 *   where n.id = s.id and n.locked_by = $me and n.status = 'pending' returning n.id
 */
export async function markAllSent(
  trx: Trx,
  me: string,
  sent: ReadonlyArray<{ id: string; at: Date; providerMessageId: string | null }>,
): Promise<Set<string>> {
  if (sent.length === 0) return new Set();
  const { rows } = await sql<{ id: string }>`
    update notifications n
    set status = 'sent', sent_at = s.at, provider_message_id = s.pid,
        locked_by = null, locked_until = null, last_error = null
    from unnest(${sent.map((s) => s.id)}::uuid[], ${sent.map((s) => s.at.toISOString())}::timestamptz[],
                ${sent.map((s) => s.providerMessageId)}::text[]) as s(id, at, pid)
    where n.id = s.id and n.locked_by = ${me} and n.status = 'pending'
    returning n.id
  `.execute(trx);
  return new Set(rows.map((r) => r.id));
}

export async function markRetry(trx: Trx, id: string, me: string, nextAttemptAt: Date, error: string) {
  await mine(trx, id, me)
    .set({ next_attempt_at: nextAttemptAt, last_error: error, locked_by: null, locked_until: null })
    .execute();
}

/** Waits (quiet hours) without spending the attempt it was claimed with. */
export async function markWaiting(trx: Trx, id: string, me: string, until: Date) {
  await mine(trx, id, me)
    .set((eb) => ({
      next_attempt_at: until,
      attempts: eb('attempts', '-', 1),
      locked_by: null,
      locked_until: null,
    }))
    .execute();
}

export async function markFailed(trx: Trx, id: string, me: string, error: string) {
  await mine(trx, id, me)
    .set({ status: 'failed', last_error: error, locked_by: null, locked_until: null })
    .execute();
}

/**
 * Claimed messages of channels this process cannot send, skipped at once (one statement a round, not
 * a transaction a message), those whose lease is still this sender's:
 *   update notifications n set status = 'skipped', skip_reason = s.reason, locked_by = null, …
 *   from unnest($ids, $reasons) s(id, reason) where n.id = s.id and n.locked_by = $me and n.status = 'pending'
 */
export async function markAllSkipped(
  conn: Conn,
  me: string,
  skipped: ReadonlyArray<{ id: string; reason: string }>,
): Promise<void> {
  if (skipped.length === 0) return;
  await sql`
    update notifications n
    set status = 'skipped', skip_reason = s.reason, locked_by = null, locked_until = null
    from unnest(${skipped.map((s) => s.id)}::uuid[], ${skipped.map((s) => s.reason)}::text[]) as s(id, reason)
    where n.id = s.id and n.locked_by = ${me} and n.status = 'pending'
  `.execute(conn);
}

/** Of these orders, those that have no message of `kind` yet (payment reminders are made once). */
export async function ordersWithout(db: Conn, kind: string, orderIds: string[]): Promise<string[]> {
  if (orderIds.length === 0) return [];
  const have = await db
    .selectFrom('notifications')
    .select('order_id')
    .where('kind', '=', kind)
    .where('order_id', '=', anyUuid(orderIds))
    .execute();
  const done = new Set(have.map((r) => r.order_id));
  return orderIds.filter((id) => !done.has(id));
}

/** A generated secret, made once per deployment (the first process to ask stores it; the others read it). */
export async function generatedSecret(db: Conn, name: string, fresh: string): Promise<string> {
  await db
    .insertInto('notification_secrets')
    .values({ name, value: fresh })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await db
    .selectFrom('notification_secrets')
    .select('value')
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
  return row.value;
}
