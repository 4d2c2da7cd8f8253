import { createHash } from 'node:crypto';
import type { Conn, Db } from '../db/database.js';
import { inTransaction } from '../db/transaction.js';
import type { ScheduledJob } from '../scheduler.js';
import {
  type AuditRow,
  appendSeals,
  countTrail,
  findSealsWithRows,
  findUnsealed,
  lockChainHead,
} from './audit.repository.js';

/** JSON with object keys sorted at every depth: one text per value, whatever order a driver gives. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  const entries = Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

const FIELDS = [
  'seq',
  'id',
  'recorded_at',
  'kind',
  'actor_key_id',
  'actor_role',
  'actor_name',
  'request_id',
  'action',
  'resource',
  'resource_id',
  'outcome',
  'before',
  'after',
  'detail',
] as const;

/** H(previous hash ‖ canonical row): every field of the row, so changing any of them shows. */
export function chainHash(previous: string, row: Pick<AuditRow, (typeof FIELDS)[number]>): string {
  const canonical = canonicalJson(FIELDS.map((f) => (f === 'seq' ? String(row.seq) : row[f])));
  return createHash('sha256').update(previous).update('\n').update(canonical).digest('hex');
}

/**
 * Adds the rows recorded since the last run to the chain, in one transaction holding the chain's head.
 * The head is the chain's only serial point and only the sealer takes it (SKIP LOCKED: a second
 * process skips the round), so recording a row never waits on the chain. Rows are chained in the order
 * they are sealed, so a row whose transaction committed late is chained later, never skipped.
 */
export async function sealAuditTrail(db: Db, batch = 1000): Promise<number> {
  return inTransaction(db, async (trx) => {
    const head = await lockChainHead(trx);
    if (!head) return 0;
    const rows = await findUnsealed(trx, batch);
    let position = BigInt(head.position);
    let hash = head.hash;
    const seals = rows.map((row) => {
      hash = chainHash(hash, row);
      position += 1n;
      return { position: String(position), seq: String(row.seq), hash };
    });
    await appendSeals(trx, seals);
    return seals.length;
  });
}

export const auditSealer = (db: Db): ScheduledJob => ({
  name: 'seal the audit trail',
  run: () => sealAuditTrail(db),
});

export interface ChainCheck {
  intact: boolean;
  /** Rows checked against the chain. */
  sealed: number;
  /** Rows recorded but not sealed yet (the sealer's next round). */
  unsealed: number;
  /** The first place where the chain does not hold, and why. */
  broken: { position: string; seq: string; reason: string } | null;
}

/** Recomputes the chain from its start and compares every seal, then the counts and the head. */
export async function verifyAuditTrail(conn: Conn, batch = 1000): Promise<ChainCheck> {
  let hash = '';
  let position = '0';
  let sealed = 0;
  for (;;) {
    const page = await findSealsWithRows(conn, position, batch);
    for (const s of page) {
      const fail = (reason: string) => ({ position: String(s.position), seq: String(s.sealed_seq), reason });
      if (BigInt(s.position) !== BigInt(position) + 1n) return result(false, fail('a seal is missing'));
      if (s.seq === null) return result(false, fail('the sealed row was deleted'));
      hash = chainHash(hash, s as AuditRow);
      if (hash !== s.sealed_hash) return result(false, fail('the row differs from what was sealed'));
      position = String(s.position);
      sealed++;
    }
    if (page.length < batch) break;
  }
  const counts = await countTrail(conn);
  if (counts.head.hash !== hash || String(counts.head.position) !== position) {
    return result(false, { position, seq: '', reason: 'the chain head does not match the last seal' });
  }
  if (counts.rows !== counts.sealed + counts.unsealed) {
    return result(false, { position, seq: '', reason: 'rows are neither sealed nor waiting to be sealed' });
  }
  return result(true, null);

  function result(intact: boolean, broken: ChainCheck['broken']): Promise<ChainCheck> {
    return countTrail(conn).then((c) => ({ intact, sealed, unsealed: c.unsealed, broken }));
  }
}
