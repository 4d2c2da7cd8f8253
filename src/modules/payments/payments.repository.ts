import { type Insertable, type RawBuilder, type Selectable, sql, type Updateable } from 'kysely';
import type { Conn, Trx } from '../../platform/db/database.js';
import { outboxWrites, type PendingEvent } from '../sync/index.js';
import type { CallbackAnswer } from './payment-provider.js';
import type { PaymentIntentStatus } from './payment-state.js';
import type { PaymentsTable } from './payments.tables.js';

export type PaymentRow = Selectable<PaymentsTable>;

export async function insertPayment(trx: Trx, payment: Insertable<PaymentsTable>): Promise<PaymentRow> {
  return trx.insertInto('payments').values(payment).returningAll().executeTakeFirstOrThrow();
}

/**
 * A new intent and its events in ONE statement. The order's open intents were summed beside its lock,
 * in a snapshot that may predate the lock; the statement fails (40001, and the transaction runs
 * again) unless they still come to `openBefore`, so an intent is never opened for money already asked.
 *
 *   with u as (insert into payments (…) values (…) returning *), <outbox CTEs, subject = the order>
 *   select *, ordersync_assert(<open intents' sum> = $openBefore, …) from u
 */
export async function insertPaymentRecorded(
  trx: Trx,
  p: Pick<
    Insertable<PaymentsTable>,
    'id' | 'order_id' | 'provider' | 'status' | 'amount' | 'currency' | 'provider_ref'
  > & { action: Record<string, unknown> },
  events: PendingEvent[],
  openBefore: number,
): Promise<PaymentRow> {
  const { rows } = await sql<PaymentRow & { open_ok: boolean }>`
    with u as (
      insert into payments (id, order_id, provider, status, amount, currency, provider_ref, action)
      values (${p.id}, ${p.order_id}, ${p.provider}, ${p.status}, ${p.amount}, ${p.currency},
        ${p.provider_ref ?? null}, ${JSON.stringify(p.action)}::jsonb)
      returning *
    ),
    ${outboxWrites('payments', p.order_id, events)}
    select *, ordersync_assert(${openPaymentsSum(p.order_id)} = ${openBefore}::bigint,
      'payments of the order moved while the intent was opened') as open_ok
    from u
  `.execute(trx);
  const { open_ok: _, ...payment } = rows[0]!;
  return payment;
}

/**
 * An intent opened in its order's placement statement (a checkout's payment): the row as given,
 * every column of it, so what the statement writes is what the caller answers with.
 *
 *   payment_opened as (insert into payments select * from json_populate_record(null::payments, $row))
 */
export function paymentOpenedWrites(row: PaymentRow): RawBuilder<unknown> {
  return sql`payment_opened as (
    insert into payments select * from json_populate_record(null::payments, ${JSON.stringify(row)}::json)
  )`;
}

export async function findPaymentById(db: Conn, id: string): Promise<PaymentRow | undefined> {
  return db.selectFrom('payments').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function lockPaymentById(trx: Trx, id: string): Promise<PaymentRow | undefined> {
  return trx.selectFrom('payments').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function findPaymentsOfOrder(db: Conn, orderId: string): Promise<PaymentRow[]> {
  return db
    .selectFrom('payments')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/** An order's intents in the given states, locked, newest first (refunds take from the newest). */
export async function lockPaymentsOfOrder(
  trx: Trx,
  orderId: string,
  statuses: readonly PaymentIntentStatus[],
): Promise<PaymentRow[]> {
  return trx
    .selectFrom('payments')
    .selectAll()
    .where('order_id', '=', orderId)
    .where('status', 'in', statuses)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .forUpdate()
    .execute();
}

/**
 * Sum of an order's intents still open (pending or authorized), money that may yet arrive, as a
 * subquery: read beside the order's lock (lockOrderWith), and checked again by the intent's insert.
 */
export const openPaymentsSum = (orderId: string) => sql<string>`(
  select coalesce(sum(amount), 0)::bigint from payments
  where order_id = ${orderId} and status in ('pending', 'authorized'))`;

/**
 * What of a payment its notice is built from (the sandbox signs one) and checked against, read beside
 * its order's lock: none of it changes after the intent is opened.
 */
export interface PaymentTerms {
  provider: string;
  amount: number;
  currency: string;
  action: { manualCapture?: boolean } | null;
}

export const paymentTerms = (id: string) => sql<PaymentTerms | null>`(
  select json_build_object('provider', provider, 'amount', amount, 'currency', currency, 'action', action)
  from payments where id = ${id})`;

/** A payment's row as a subquery (json), to read beside its order (findOrderWith): paymentFromJson. */
export const paymentAsJson = (id: string) =>
  sql<Record<string, unknown> | null>`(select row_to_json(p) from payments p where p.id = ${id})`;

const PAYMENT_TIMES = ['created_at', 'updated_at', 'paid_at', 'authorized_at', 'close_due_at'] as const;

/** paymentAsJson's value as the row a select gives (json has no timestamps: they come as text). */
export function paymentFromJson(json: Record<string, unknown>): PaymentRow {
  const row = { ...json };
  for (const column of PAYMENT_TIMES) {
    const value = row[column];
    if (typeof value === 'string') row[column] = new Date(value);
  }
  return row as unknown as PaymentRow;
}

/** The order a payment belongs to, as a subquery (lockOrderWith locks it). */
export const orderOfPayment = (id: string) => sql<string>`(select order_id from payments where id = ${id})`;

export async function updatePayment(
  trx: Conn,
  id: string,
  changes: Omit<Updateable<PaymentsTable>, 'id' | 'action'> & { action?: Record<string, unknown> },
): Promise<PaymentRow> {
  const { action, ...rest } = changes;
  return trx
    .updateTable('payments')
    .set({
      ...rest,
      ...(action ? { action: JSON.stringify(action) } : {}),
      updated_at: sql`now()`,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** What a provider's notification came to, saved on its payment_callbacks row. */
export interface CallbackOutcome {
  id: string;
  outcome: string;
  paymentId?: string;
  orderId?: string;
  answer: CallbackAnswer;
}

/**
 * A payment's change and, for a notification, the notification's outcome, as CTEs (payment_changed,
 * callback_saved) for a statement that writes them with their events: updatePaymentRecorded's own,
 * or the order's when the payment pays it (recordOrderPayment's `alongside`).
 */
export function paymentChangeWrites(
  paymentId: string,
  changes: Omit<Updateable<PaymentsTable>, 'id' | 'action' | 'order_id'>,
  callback?: CallbackOutcome,
  /** Change it only if it is still in this status (a payment read, not locked): else none changed. */
  fromStatus?: PaymentIntentStatus,
): RawBuilder<unknown> {
  const set = Object.entries(changes)
    .filter(([, v]) => v !== undefined)
    .map(([column, value]) => sql`${sql.ref(column)} = ${value}`);
  const still = fromStatus ? sql` and status = ${fromStatus}` : sql``;
  const changed = sql`payment_changed as (
    update payments set ${sql.join([...set, sql`updated_at = now()`])} where id = ${paymentId}${still}
    returning *)`;
  if (!callback) return changed;
  return sql`${changed}, callback_saved as (
    update payment_callbacks set outcome = ${callback.outcome}, payment_id = ${callback.paymentId ?? null},
      order_id = ${callback.orderId ?? null}, response_status = ${callback.answer.status},
      response_type = ${callback.answer.type}, response_body = ${callback.answer.body}
    where id = ${callback.id})`;
}

/**
 * A payment's change with its events and, for a notification, the notification's outcome, in ONE
 * statement (a payment's hot path). The caller holds the payment's lock, so it knows the row the
 * update makes and passes the events' payloads as they will read.
 *
 *   with payment_changed as (update payments set …, updated_at = now() where id = $id returning *),
 *   callback_saved as (update payment_callbacks set outcome = …, response_… where id = $callback),
 *   <outbox CTEs, subject = the order>
 *   select * from payment_changed
 */
export async function updatePaymentRecorded(
  trx: Trx,
  payment: PaymentRow,
  changes: Omit<Updateable<PaymentsTable>, 'id' | 'action' | 'order_id'>,
  events: PendingEvent[],
  callback?: CallbackOutcome,
): Promise<PaymentRow> {
  const ctes = [paymentChangeWrites(payment.id, changes, callback)];
  if (events.length > 0) ctes.push(outboxWrites('payments', payment.order_id, events));
  const { rows } = await sql<PaymentRow>`with ${sql.join(ctes)} select * from payment_changed`.execute(trx);
  if (!rows[0]) throw new Error(`payment ${payment.id} vanished under its lock`);
  return rows[0];
}

/**
 * Claims cancelled intents whose trade is still to be closed at its provider and is due, pushing
 * the next try back (1 minute, doubling, at most an hour). SKIP LOCKED hands each row to one
 * process; should two call the provider anyway, closing a closed trade is answered as such.
 *
 *   update payments set close_attempts = close_attempts + 1,
 *          close_due_at = $now + least(60 * 2^close_attempts, 3600) seconds
 *   where id in (select id from payments where close_status = 'pending' and close_due_at <= $now
 *                and provider in (…) order by close_due_at limit $n for update skip locked)
 *   returning *
 */
export async function claimDueClosings(
  db: Conn,
  providers: readonly string[],
  now: Date,
  limit: number,
): Promise<PaymentRow[]> {
  if (providers.length === 0) return [];
  return db
    .updateTable('payments')
    .set({
      close_attempts: sql`close_attempts + 1`,
      close_due_at: sql`${now}::timestamptz + least(60 * power(2, close_attempts), 3600) * interval '1 second'`,
    })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('payments')
        .select('id')
        .where('close_status', '=', 'pending')
        .where('close_due_at', '<=', now)
        .where('provider', 'in', providers)
        .orderBy('close_due_at')
        .limit(limit)
        .forUpdate()
        .skipLocked(),
    )
    .returningAll()
    .execute();
}

/** Records the provider's answer to a close; a close already settled is left as it is. */
export async function settleClosing(
  trx: Conn,
  id: string,
  result: { status: 'closed' | 'refused' | 'pending'; note: string | null },
): Promise<PaymentRow | undefined> {
  return trx
    .updateTable('payments')
    .set(
      result.status === 'pending'
        ? { close_note: result.note }
        : { close_status: result.status, close_note: result.note, close_due_at: null },
    )
    .where('id', '=', id)
    .where('close_status', '=', 'pending')
    .returningAll()
    .executeTakeFirst();
}
