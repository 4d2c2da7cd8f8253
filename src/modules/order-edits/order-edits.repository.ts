import { sql } from 'kysely';
import type { Conn, Trx } from '../../platform/db/database.js';
import type { OrderEditsTable } from './order-edits.tables.js';

type NewEdit = Omit<OrderEditsTable, 'created_at' | 'version' | 'before' | 'after'> & {
  before: string;
  after: string;
};

/**
 * Records an edit as the order's next version. The order is locked by the caller, so the numbering
 * cannot race; (order_id, version) is unique besides.
 *
 *   insert into order_edits (…, version) select …, coalesce(max(version), 0) + 1 from order_edits where order_id = $1
 */
export async function insertOrderEdit(trx: Trx, edit: NewEdit) {
  const { rows } = await sql<{ version: number; created_at: Date }>`
    insert into order_edits (id, order_id, version, actor, reason, before, after, difference, refunded, due)
    select ${edit.id}, ${edit.order_id}, coalesce(max(version), 0) + 1, ${edit.actor}, ${edit.reason},
           ${edit.before}::jsonb, ${edit.after}::jsonb, ${edit.difference}, ${edit.refunded}, ${edit.due}
    from order_edits where order_id = ${edit.order_id}
    returning version, created_at
  `.execute(trx);
  return rows[0]!;
}

export function findOrderEdits(db: Conn, orderId: string) {
  return db
    .selectFrom('order_edits')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('version')
    .execute();
}
