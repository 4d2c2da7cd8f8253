import type { Insertable, Selectable } from 'kysely';
import type { Conn, Trx } from '../../platform/db/database.js';
import type { PaymentIntentStatus, PaymentsTable } from './payments.tables.js';

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

export async function setPaymentStatus(
  trx: Trx,
  id: string,
  status: PaymentIntentStatus,
  extra: { paid_at?: Date } = {},
): Promise<PaymentRow> {
  return trx
    .updateTable('payments')
    .set({ status, updated_at: new Date(), ...extra })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Flips an order's paid intents to refunded and returns them: a second call finds none. */
export async function markPaidPaymentsRefunded(trx: Trx, orderId: string): Promise<PaymentRow[]> {
  return trx
    .updateTable('payments')
    .set({ status: 'refunded', updated_at: new Date() })
    .where('order_id', '=', orderId)
    .where('status', '=', 'paid')
    .returningAll()
    .execute();
}

/** Open intents of a cancelled order are void. */
export async function cancelOpenPayments(trx: Trx, orderId: string): Promise<void> {
  await trx
    .updateTable('payments')
    .set({ status: 'cancelled', updated_at: new Date() })
    .where('order_id', '=', orderId)
    .where('status', 'in', ['pending', 'authorized'])
    .execute();
}
