import { type Insertable, type Selectable, sql, type Updateable } from 'kysely';
import type { Conn, Trx } from '../../platform/db/database.js';
import type { PaymentIntentStatus } from './payment-state.js';
import type { PaymentsTable } from './payments.tables.js';

export type PaymentRow = Selectable<PaymentsTable>;

export async function insertPayment(trx: Trx, payment: Insertable<PaymentsTable>): Promise<PaymentRow> {
  return trx.insertInto('payments').values(payment).returningAll().executeTakeFirstOrThrow();
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
