import { type Insertable, type Selectable, sql } from 'kysely';
import type { Conn, Db, Trx } from '../../platform/db/database.js';
import type { PaymentRefundsTable, RefundStatus } from './payments.tables.js';

export type RefundRow = Selectable<PaymentRefundsTable>;

export async function insertRefund(trx: Trx, row: Insertable<PaymentRefundsTable>): Promise<RefundRow> {
  return trx.insertInto('payment_refunds').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findRefundById(db: Conn, id: string): Promise<RefundRow | undefined> {
  return db.selectFrom('payment_refunds').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function lockRefundById(trx: Trx, id: string): Promise<RefundRow | undefined> {
  return trx.selectFrom('payment_refunds').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/**
 * What a payment has given back or is giving back. Read under the payment's row lock, so two
 * refunds of one payment are checked one after the other and their sum cannot pass the payment.
 */
export async function sumActiveRefunds(trx: Trx, paymentId: string): Promise<number> {
  const r = await trx
    .selectFrom('payment_refunds')
    .select(sql<number>`coalesce(sum(amount), 0)::bigint`.as('total'))
    .where('payment_id', '=', paymentId)
    .where('status', 'in', ['pending', 'succeeded'])
    .executeTakeFirstOrThrow();
  return Number(r.total);
}

export async function setRefundStatus(
  trx: Trx,
  id: string,
  status: RefundStatus,
  extra: { provider_ref?: string | null; failure_reason?: string | null } = {},
): Promise<RefundRow> {
  return trx
    .updateTable('payment_refunds')
    .set({
      status,
      ...extra,
      updated_at: sql`now()`,
      completed_at: status === 'pending' ? null : sql`now()`,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findRefundsOfOrder(db: Conn, orderId: string): Promise<RefundRow[]> {
  return db
    .selectFrom('payment_refunds')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/**
 * Claims pending refunds at outside providers that are due another try, pushing their next try
 * back. Several processes may run this: SKIP LOCKED hands each row to one of them; should two call
 * the provider anyway, the refund id is the provider's idempotency key, so money moves once.
 *
 *   update payment_refunds set attempts = attempts + 1, updated_at = now()
 *   where id in (select r.id from payment_refunds r join payments p on p.id = r.payment_id
 *                where r.status = 'pending' and p.provider in (…) and (r.attempts = 0 or r.updated_at <= $due)
 *                order by r.updated_at limit $n for update of r skip locked)
 *   returning *
 */
export async function claimDueRefunds(
  db: Db,
  providers: readonly string[],
  dueBefore: Date,
  limit: number,
  ids?: readonly string[],
): Promise<RefundRow[]> {
  if (providers.length === 0 || ids?.length === 0) return [];
  return db
    .updateTable('payment_refunds')
    .set({ attempts: sql`attempts + 1`, updated_at: sql`now()` })
    .where('id', 'in', (eb) => {
      let q = eb
        .selectFrom('payment_refunds as r')
        .innerJoin('payments as p', 'p.id', 'r.payment_id')
        .select('r.id')
        .where('r.status', '=', 'pending')
        .where('p.provider', 'in', providers)
        .orderBy('r.updated_at')
        .limit(limit)
        .forUpdate('r')
        .skipLocked();
      // never tried yet (left pending by a transaction that could not call out), or due again
      q = ids
        ? q.where('r.id', 'in', ids)
        : q.where((w) => w.or([w('r.attempts', '=', 0), w('r.updated_at', '<=', dueBefore)]));
      return q;
    })
    .returningAll()
    .execute();
}
