import { type Insertable, type Selectable, sql } from 'kysely';
import type { Conn, Trx } from '../../../platform/db/database.js';
import type { ChannelImportsTable, ImportStatus } from './imports.tables.js';
import type { Rejection } from './order-grouper.js';

export type ChannelImportRow = Selectable<ChannelImportsTable>;

export async function insertImport(
  db: Conn,
  row: Insertable<ChannelImportsTable>,
): Promise<ChannelImportRow> {
  return db.insertInto('channel_imports').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function findImport(db: Conn, id: string): Promise<ChannelImportRow | undefined> {
  return db.selectFrom('channel_imports').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A channel's imports, newest first, `limit` of them from before `beforeId`. */
export async function listImports(db: Conn, channelId: string, limit: number, beforeId?: string) {
  let query = db.selectFrom('channel_imports').selectAll().where('channel_id', '=', channelId);
  if (beforeId) query = query.where('id', '<', beforeId);
  return query.orderBy('id', 'desc').limit(limit).execute();
}

/**
 * Takes an unfinished import whose lease has lapsed (its worker died, or nobody started it), the oldest
 * first; several processes may ask at once:
 *
 *   update channel_imports set status = 'running', locked_by = $owner, lease_until = now() + $lease, …
 *   where id = (select id from channel_imports where status in ('queued', 'running')
 *               and (lease_until is null or lease_until < now()) order by created_at
 *               limit 1 for update skip locked)
 *   returning *
 */
export async function claimStalledImport(
  db: Conn,
  owner: string,
  leaseSeconds: number,
): Promise<ChannelImportRow | undefined> {
  const { rows } = await sql<ChannelImportRow>`
    update channel_imports set status = 'running', locked_by = ${owner},
      lease_until = now() + make_interval(secs => ${leaseSeconds}), attempts = attempts + 1,
      started_at = coalesce(started_at, now()), run_started_at = now(), run_started_bytes = bytes_read,
      updated_at = now()
    where id = (
      select id from channel_imports
      where status in ('queued', 'running') and (lease_until is null or lease_until < now())
      order by created_at limit 1 for update skip locked
    )
    returning *
  `.execute(db);
  return rows[0];
}

export type ImportProgress = Pick<
  ChannelImportRow,
  | 'rows_read'
  | 'bytes_read'
  | 'orders_read'
  | 'orders_placed'
  | 'orders_already_there'
  | 'orders_held'
  | 'rows_rejected'
  | 'errors_kept'
  | 'checkpoint_line'
> & { rejected: string; checkpoint: string; status: ImportStatus };

/**
 * Records how far the import got, in the transaction that wrote its orders, and extends the lease —
 * only while this worker still holds it; false if another has taken over (then the caller rolls back).
 */
export async function saveCheckpoint(
  trx: Trx,
  id: string,
  owner: string,
  leaseSeconds: number,
  progress: ImportProgress,
): Promise<boolean> {
  const done = progress.status !== 'running';
  const saved = await trx
    .updateTable('channel_imports')
    .set({
      ...progress,
      lease_until: done ? null : sql<Date>`now() + make_interval(secs => ${leaseSeconds})`,
      locked_by: done ? null : owner,
      updated_at: sql<Date>`now()`,
      finished_at: done ? sql<Date>`now()` : null,
    })
    .where('id', '=', id)
    .where('locked_by', '=', owner)
    .returning('id')
    .executeTakeFirst();
  return saved !== undefined;
}

/** Some of an import's rejections, kept to be shown; a resumed run writing one again changes nothing. */
export async function insertImportErrors(trx: Trx, importId: string, rejections: Rejection[]): Promise<void> {
  if (rejections.length === 0) return;
  await trx
    .insertInto('channel_import_errors')
    .values(
      rejections.map((r) => ({
        import_id: importId,
        line: r.line,
        external_id: r.externalId,
        reason: r.reason,
      })),
    )
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function listImportErrors(db: Conn, importId: string, limit: number) {
  return db
    .selectFrom('channel_import_errors')
    .select(['line', 'external_id', 'reason'])
    .where('import_id', '=', importId)
    .orderBy('line')
    .orderBy('reason')
    .limit(limit)
    .execute();
}

/** Lets the import go after a failed attempt: the import job takes it again, or it is given up. */
export async function releaseImport(
  db: Conn,
  id: string,
  owner: string,
  error: string,
  giveUp: boolean,
): Promise<void> {
  await db
    .updateTable('channel_imports')
    .set({
      status: giveUp ? 'failed' : 'running',
      error,
      locked_by: null,
      lease_until: null,
      finished_at: giveUp ? sql<Date>`now()` : null,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .where('locked_by', '=', owner)
    .execute();
}
