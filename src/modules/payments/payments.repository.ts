import { type Insertable, type Selectable, sql, type Updateable } from 'kysely';
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
 * A new intent and its events in ONE statement:
 *   with u as (insert into payments (…) values (…) returning *), <outbox CTEs, subject = the order>
 *   select * from u
 */
export async function insertPaymentRecorded(
  trx: Trx,
  p: Pick<
    Insertable<PaymentsTable>,
    'id' | 'order_id' | 'provider' | 'status' | 'amount' | 'currency' | 'provider_ref'
  > & { action: Record<string, unknown> },
  events: PendingEvent[],
): Promise<PaymentRow> {
  const { rows } = await sql<PaymentRow>`
    with u as (
      insert into payments (id, order_id, provider, status, amount, currency, provider_ref, action)
      values (${p.id}, ${p.order_id}, ${p.provider}, ${p.status}, ${p.amount}, ${p.currency},
        ${p.provider_ref ?? null}, ${JSON.stringify(p.action)}::jsonb)
      returning *
    ),
    ${outboxWrites('payments', p.order_id, events)}
    select * from u
  `.execute(trx);
  return rows[0]!;
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

/** Sum of intents still open (pending or authorized): money that may yet arrive. */
export async function sumOpenPayments(trx: Trx, orderId: string): Promise<number> {
  const r = await trx
    .selectFrom('payments')
    .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('amount'), eb.lit(0)).as('open'))
    .where('order_id', '=', orderId)
    .where('status', 'in', ['pending', 'authorized'])
    .executeTakeFirstOrThrow();
  return Number(r.open);
}

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
 * A payment's change with its events and, for a notification, the notification's outcome, in ONE
 * statement (a payment's hot path). The caller holds the payment's lock, so it knows the row the
 * update makes and passes the events' payloads as they will read.
 *
 *   with u as (update payments set …, updated_at = now() where id = $id returning *),
 *   c as (update payment_callbacks set outcome = …, response_… where id = $callback),
 *   <outbox CTEs, subject = the order>
 *   select * from u
 */
export async function updatePaymentRecorded(
  trx: Trx,
  payment: PaymentRow,
  changes: Omit<Updateable<PaymentsTable>, 'id' | 'action' | 'order_id'>,
  events: PendingEvent[],
  callback?: CallbackOutcome,
): Promise<PaymentRow> {
  const set = Object.entries(changes)
    .filter(([, v]) => v !== undefined)
    .map(([column, value]) => sql`${sql.ref(column)} = ${value}`);
  const ctes = [
    sql`u as (update payments set ${sql.join([...set, sql`updated_at = now()`])} where id = ${payment.id} returning *)`,
  ];
  if (callback) {
    ctes.push(sql`c as (
      update payment_callbacks set outcome = ${callback.outcome}, payment_id = ${callback.paymentId ?? null},
        order_id = ${callback.orderId ?? null}, response_status = ${callback.answer.status},
        response_type = ${callback.answer.type}, response_body = ${callback.answer.body}
      where id = ${callback.id})`);
  }
  if (events.length > 0) ctes.push(outboxWrites('payments', payment.order_id, events));
  const { rows } = await sql<PaymentRow>`with ${sql.join(ctes)} select * from u`.execute(trx);
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
