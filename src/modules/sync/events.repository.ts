import { sql } from 'kysely';
import type { Conn } from '../../platform/db/database.js';

export interface EventFilter {
  afterPosition?: number;
  subject?: string;
  type?: string;
  limit: number;
}

/**
 * The event feed, in position order, cut before the first event whose transaction might still be
 * running. Positions are taken at insert, not at commit, so without the cut a reader that resumes
 * "after position P" could skip a row with a smaller position that commits later. Rows written by
 * transactions older than the snapshot's xmin are all committed or gone.
 *
 *   select … from outbox
 *   where position > $after and txid < pg_snapshot_xmin(pg_current_snapshot())
 *   order by position limit $limit
 */
export async function listEvents(db: Conn, filter: EventFilter) {
  let q = db
    .selectFrom('outbox')
    .select(['position', 'id', 'source', 'type', 'subject', 'sequence', 'time', 'data'])
    .where(sql<boolean>`txid < pg_snapshot_xmin(pg_current_snapshot())`)
    .orderBy('position')
    .limit(filter.limit);
  if (filter.afterPosition !== undefined) q = q.where('position', '>', filter.afterPosition);
  if (filter.subject) q = q.where('subject', '=', filter.subject);
  if (filter.type) q = q.where('type', '=', filter.type);
  return q.execute();
}

export async function findEventPosition(db: Conn, id: string): Promise<number | undefined> {
  const row = await db.selectFrom('outbox').select('position').where('id', '=', id).executeTakeFirst();
  return row?.position;
}
