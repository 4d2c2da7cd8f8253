import { type Insertable, type Selectable, sql, type Updateable } from 'kysely';
import type { Conn, Trx } from '../../platform/db/database.js';
import type { ClaimLinesTable, ClaimsTable } from './aftersales.tables.js';
import type { ClaimStatus } from './claim-state.js';

export type ClaimRow = Selectable<ClaimsTable>;
export type ClaimLineRow = Selectable<ClaimLinesTable>;

export async function insertClaim(
  trx: Trx,
  row: Insertable<ClaimsTable>,
  lines: Insertable<ClaimLinesTable>[],
) {
  const claim = await trx.insertInto('claims').values(row).returningAll().executeTakeFirstOrThrow();
  await trx.insertInto('claim_lines').values(lines).execute();
  return claim;
}

export const findClaimById = (db: Conn, id: string) =>
  db.selectFrom('claims').selectAll().where('id', '=', id).executeTakeFirst();

export const lockClaimById = (trx: Trx, id: string) =>
  trx.selectFrom('claims').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();

export const findClaimsOfOrder = (db: Conn, orderId: string) =>
  db.selectFrom('claims').selectAll().where('order_id', '=', orderId).orderBy('id').execute();

/** The claims queue: newest first, by status, keyset-paged by id (UUIDv7 ids sort by time). */
export function listClaims(db: Conn, filter: { status?: ClaimStatus; beforeId?: string; limit: number }) {
  let q = db.selectFrom('claims').selectAll().orderBy('id', 'desc').limit(filter.limit);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.beforeId) q = q.where('id', '<', filter.beforeId);
  return q.execute();
}

export async function findClaimLines(db: Conn, claimIds: readonly string[]): Promise<ClaimLineRow[]> {
  if (claimIds.length === 0) return [];
  return db.selectFrom('claim_lines').selectAll().where('claim_id', 'in', claimIds).orderBy('id').execute();
}

export const updateClaim = (trx: Trx, id: string, changes: Omit<Updateable<ClaimsTable>, 'id'>) =>
  trx
    .updateTable('claims')
    .set({ ...changes, updated_at: sql`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();

/** Units per order line claimed by claims not rejected. */
export async function claimedUnits(db: Conn, orderId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('claim_lines as l')
    .innerJoin('claims as c', 'c.id', 'l.claim_id')
    .select(['l.order_line_id', sql<number>`sum(l.quantity)::int`.as('quantity')])
    .where('c.order_id', '=', orderId)
    .where('c.status', '<>', 'rejected')
    .groupBy('l.order_line_id')
    .execute();
  return new Map(rows.map((r) => [r.order_line_id, r.quantity]));
}
