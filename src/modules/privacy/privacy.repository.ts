import { sql } from 'kysely';
import type { Conn, Trx } from '../../platform/db/database.js';
import type { PrivacyRequestKind } from './privacy.tables.js';

export async function insertPrivacyRequest(
  trx: Trx,
  row: {
    id: string;
    kind: PrivacyRequestKind;
    customer_id: string;
    requested_by: string;
    order_ids: string[];
  },
) {
  return trx
    .insertInto('privacy_requests')
    .values({ ...row, order_ids: JSON.stringify(row.order_ids) })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findPrivacyRequest(db: Conn, id: string) {
  return db.selectFrom('privacy_requests').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function queuedRequestIds(db: Conn, limit: number): Promise<string[]> {
  const rows = await db
    .selectFrom('privacy_requests')
    .select('id')
    .where('status', '=', 'queued')
    .orderBy('created_at')
    .limit(limit)
    .execute();
  return rows.map((r) => r.id);
}

/** A queued request, locked for this transaction; a process already running it makes this skip it. */
export async function claimQueuedRequest(trx: Trx, id: string) {
  return trx
    .selectFrom('privacy_requests')
    .selectAll()
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .forUpdate()
    .skipLocked()
    .executeTakeFirst();
}

export async function finishRequest(
  conn: Conn,
  id: string,
  outcome: { status: 'done' | 'failed'; order_ids?: string[]; archive?: unknown; error?: string },
) {
  await conn
    .updateTable('privacy_requests')
    .set({
      status: outcome.status,
      finished_at: sql<Date>`now()`,
      ...(outcome.order_ids ? { order_ids: JSON.stringify(outcome.order_ids) } : {}),
      ...(outcome.archive !== undefined ? { archive: JSON.stringify(outcome.archive) } : {}),
      ...(outcome.error !== undefined ? { error: outcome.error } : {}),
    })
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .execute();
}
