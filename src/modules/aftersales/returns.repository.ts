import { type Insertable, type Selectable, sql, type Updateable } from 'kysely';
import type { Conn, Trx } from '../../platform/db/database.js';
import type { ReturnLinesTable, ReturnsTable } from './aftersales.tables.js';
import type { ReturnStatus } from './return-state.js';

export type ReturnRow = Selectable<ReturnsTable>;
export type ReturnLineRow = Selectable<ReturnLinesTable>;

export async function insertReturn(
  trx: Trx,
  row: Insertable<ReturnsTable>,
  lines: Insertable<ReturnLinesTable>[],
) {
  const r = await trx.insertInto('returns').values(row).returningAll().executeTakeFirstOrThrow();
  await trx.insertInto('return_lines').values(lines).execute();
  return r;
}

export async function findReturnById(db: Conn, id: string): Promise<ReturnRow | undefined> {
  return db.selectFrom('returns').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function lockReturnById(trx: Trx, id: string): Promise<ReturnRow | undefined> {
  return trx.selectFrom('returns').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function findReturnLines(db: Conn, returnIds: readonly string[]): Promise<ReturnLineRow[]> {
  if (returnIds.length === 0) return [];
  return db
    .selectFrom('return_lines')
    .selectAll()
    .where('return_id', 'in', returnIds)
    .orderBy('id')
    .execute();
}

export async function updateReturn(trx: Trx, id: string, changes: Omit<Updateable<ReturnsTable>, 'id'>) {
  return trx
    .updateTable('returns')
    .set({ ...changes, updated_at: sql`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Units per order line already asked back (any request not rejected), by stage. */
export async function requestedUnits(db: Conn, orderId: string) {
  return db
    .selectFrom('return_lines as l')
    .innerJoin('returns as r', 'r.id', 'l.return_id')
    .select(['l.order_line_id', 'r.stage', sql<number>`sum(l.quantity)::int`.as('quantity')])
    .where('r.order_id', '=', orderId)
    .where('r.status', '<>', 'rejected')
    .groupBy(['l.order_line_id', 'r.stage'])
    .execute();
}

export async function sumShippingRefunded(db: Conn, orderId: string): Promise<number> {
  const r = await db
    .selectFrom('returns')
    .select(sql<number>`coalesce(sum(shipping_refund), 0)::bigint`.as('total'))
    .where('order_id', '=', orderId)
    .executeTakeFirstOrThrow();
  return Number(r.total);
}

export async function listReturns(
  db: Conn,
  filter: { orderId?: string; status?: ReturnStatus; beforeId?: string; limit: number },
): Promise<ReturnRow[]> {
  let q = db.selectFrom('returns').selectAll().orderBy('id', 'desc').limit(filter.limit);
  if (filter.orderId) q = q.where('order_id', '=', filter.orderId);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.beforeId) q = q.where('id', '<', filter.beforeId);
  return q.execute();
}

/**
 * Units per order line already refunded: by returns refunded (or refunded before shipment), and by
 * claims resolved with a refund of their lines.
 *
 *   select order_line_id, sum(quantity) from (return lines of refunded returns
 *     union all claim lines of claims resolved by refund) group by order_line_id
 */
export async function refundedUnitsByLine(db: Conn, orderId: string) {
  const { rows } = await sql<{ order_line_id: string; quantity: number }>`
    select order_line_id, sum(quantity)::int as quantity from (
      select l.order_line_id, l.quantity from return_lines l join returns r on r.id = l.return_id
      where r.order_id = ${orderId} and r.status = 'refunded'
      union all
      select l.order_line_id, l.quantity from claim_lines l join claims c on c.id = l.claim_id
      where c.order_id = ${orderId} and c.status = 'resolved' and c.resolution = 'refund'
    ) refunded group by order_line_id
  `.execute(db);
  return rows;
}
