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
