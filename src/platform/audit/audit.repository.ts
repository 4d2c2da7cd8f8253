import type { Insertable, Selectable } from 'kysely';
import type { Conn, Trx } from '../db/database.js';
import type { AuditLogTable } from './audit.tables.js';

export type AuditRow = Selectable<AuditLogTable>;

/** One insert: the row and its place in the sealer's queue, in the caller's transaction if given one. */
export async function insertAuditRow(conn: Conn, row: Insertable<AuditLogTable>): Promise<void> {
  await conn
    .with('a', (db) => db.insertInto('audit_log').values(row).returning('seq'))
    .insertInto('audit_unsealed')
    .columns(['seq'])
    .expression((eb) => eb.selectFrom('a').select('seq'))
    .execute();
}

export interface AuditFilter {
  actor?: string;
  role?: string;
  action?: string;
  resource?: string;
  resourceId?: string;
  from?: string;
  to?: string;
  /** Rows before this seq (newest first). */
  beforeSeq?: string;
  limit: number;
}

export async function findAuditRows(conn: Conn, f: AuditFilter): Promise<AuditRow[]> {
  let q = conn.selectFrom('audit_log').selectAll();
  if (f.actor !== undefined) q = q.where('actor_key_id', '=', f.actor);
  if (f.role !== undefined) q = q.where('actor_role', '=', f.role);
  if (f.action !== undefined) q = q.where('action', '=', f.action);
  if (f.resource !== undefined) q = q.where('resource', '=', f.resource);
  if (f.resourceId !== undefined) q = q.where('resource_id', '=', f.resourceId);
  if (f.from !== undefined) q = q.where('recorded_at', '>=', new Date(f.from));
  if (f.to !== undefined) q = q.where('recorded_at', '<', new Date(f.to));
  if (f.beforeSeq !== undefined) q = q.where('seq', '<', f.beforeSeq as never);
  return q.orderBy('seq', 'desc').limit(f.limit).execute();
}

/** The chain's head, locked; undefined while another sealer holds it. */
export const lockChainHead = (trx: Trx) =>
  trx
    .selectFrom('audit_chain_head')
    .select(['position', 'hash'])
    .where('id', '=', 1)
    .forUpdate()
    .skipLocked()
    .executeTakeFirst();

export const findUnsealed = (trx: Trx, limit: number) =>
  trx
    .selectFrom('audit_unsealed as u')
    .innerJoin('audit_log as a', 'a.seq', 'u.seq')
    .selectAll('a')
    .orderBy('a.seq')
    .limit(limit)
    .execute();

export async function appendSeals(
  trx: Trx,
  seals: { position: string; seq: string; hash: string }[],
): Promise<void> {
  const last = seals.at(-1);
  if (!last) return;
  await trx.insertInto('audit_seal').values(seals).execute();
  await trx
    .deleteFrom('audit_unsealed')
    .where(
      'seq',
      'in',
      seals.map((s) => s.seq),
    )
    .execute();
  await trx
    .updateTable('audit_chain_head')
    .set({ position: last.position, hash: last.hash })
    .where('id', '=', 1)
    .execute();
}

/** Seals from `afterPosition` on, each with its row (null when the row is gone). */
export const findSealsWithRows = (conn: Conn, afterPosition: string, limit: number) =>
  conn
    .selectFrom('audit_seal as s')
    .leftJoin('audit_log as a', 'a.seq', 's.seq')
    .select(['s.position', 's.seq as sealed_seq', 's.hash as sealed_hash'])
    .selectAll('a')
    .where('s.position', '>', afterPosition as never)
    .orderBy('s.position')
    .limit(limit)
    .execute();

export async function countTrail(conn: Conn) {
  const count = (table: 'audit_log' | 'audit_unsealed' | 'audit_seal') =>
    conn
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow()
      .then((r) => Number(r.n));
  const [rows, unsealed, sealed] = await Promise.all([
    count('audit_log'),
    count('audit_unsealed'),
    count('audit_seal'),
  ]);
  const head = await conn
    .selectFrom('audit_chain_head')
    .select(['position', 'hash'])
    .executeTakeFirstOrThrow();
  return { rows, unsealed, sealed, head };
}
