import { type RawBuilder, sql } from 'kysely';
import type { Conn, Db } from '../db/database.js';

/** An attempt's hold on a key: a fresh `claim` token each time the key is claimed or taken over. */
export interface KeyClaim {
  scope: string;
  key: string;
  claim: string;
}

const leaseEnd = (leaseSeconds: number) => sql<Date>`now() + make_interval(secs => ${leaseSeconds})`;

/** insert … on conflict do nothing: true if this attempt is the first with the key. */
export async function claimKey(
  db: Db,
  c: KeyClaim,
  requestHash: string,
  leaseSeconds: number,
): Promise<boolean> {
  const row = await db
    .insertInto('idempotency_keys')
    .values({ ...c, request_hash: requestHash, locked_until: leaseEnd(leaseSeconds) })
    .onConflict((oc) => oc.columns(['scope', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst();
  return row !== undefined;
}

export async function findKey(db: Db, scope: string, key: string) {
  return db
    .selectFrom('idempotency_keys')
    .selectAll()
    .where('scope', '=', scope)
    .where('key', '=', key)
    .executeTakeFirst();
}

/**
 * Takes over a key whose attempt's lease ran out with nothing committed (its process died, or hangs):
 *
 *   update idempotency_keys set claim = $new, locked_until = now() + $lease
 *   where (scope, key) = ($s, $k) and state = 'in_progress' and resource is null
 *     and (locked_until is null or locked_until < now())
 *
 * Against the old attempt's own statement (see committedWrites) exactly one wins: if that committed
 * first, `resource is null` no longer holds; if this commits first, that one finds its claim gone.
 */
export async function takeOverKey(db: Db, c: KeyClaim, leaseSeconds: number): Promise<boolean> {
  const r = await db
    .updateTable('idempotency_keys')
    .set({ claim: c.claim, locked_until: leaseEnd(leaseSeconds), updated_at: sql`now()` })
    .where('scope', '=', c.scope)
    .where('key', '=', c.key)
    .where('state', '=', 'in_progress')
    .where('resource', 'is', null)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', sql<Date>`now()`)]))
    .executeTakeFirst();
  return r.numUpdatedRows > 0n;
}

/** The answer, kept for repeats; only while this attempt still holds the key. */
export async function storeResponse(
  db: Db,
  c: KeyClaim,
  response: { status: number; body: string | null; contentType: string },
): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({
      state: 'done',
      response_status: response.status,
      response_body: response.body,
      response_content_type: response.contentType,
      claim: null,
      locked_until: null,
      updated_at: sql`now()`,
    })
    .where('scope', '=', c.scope)
    .where('key', '=', c.key)
    .where('claim', '=', c.claim)
    .execute();
}

/** Lets the key go (a 5xx: the retry runs again), unless the command committed something under it. */
export async function releaseKey(db: Db, c: KeyClaim): Promise<void> {
  await db
    .deleteFrom('idempotency_keys')
    .where('scope', '=', c.scope)
    .where('key', '=', c.key)
    .where('claim', '=', c.claim)
    .where('resource', 'is', null)
    .execute();
}

/** The refusal a command's statement raises when its claim was taken over (ordersync_refuse_unless). */
export const CLAIM_LOST = 'idempotency_claim_lost';

/**
 * CTEs for a command's own statement that record what it commits (`resource`, e.g. the new order's id)
 * on the key, and a check that refuses the statement when the key is no longer this attempt's: the
 * command and its key commit together or not at all.
 *
 *   idempotency_commit as (update idempotency_keys set resource = $resource
 *     where (scope, key, claim) = ($s, $k, $c) and state = 'in_progress' returning 1)
 *   … ordersync_refuse_unless(exists (select 1 from idempotency_commit), 'idempotency_claim_lost')
 */
export function committedWrites(
  c: KeyClaim,
  resource: RawBuilder<unknown>,
): { ctes: RawBuilder<unknown>; check: RawBuilder<boolean> } {
  return {
    ctes: sql`
      idempotency_commit as (
        update idempotency_keys set resource = (${resource})::text, updated_at = now()
        where scope = ${c.scope} and key = ${c.key} and claim = ${c.claim} and state = 'in_progress'
        returning 1
      )`,
    check: sql<boolean>`ordersync_refuse_unless(exists (select 1 from idempotency_commit), ${CLAIM_LOST})`,
  };
}

/** Deletes keys older than `before`, a batch at a time; returns how many went. */
export async function deleteExpiredKeys(db: Conn, before: Date, batch = 5000): Promise<number> {
  const r = await sql`
    delete from idempotency_keys where (scope, key) in (
      select scope, key from idempotency_keys where created_at < ${before} limit ${batch}
    )`.execute(db);
  return Number(r.numAffectedRows ?? 0n);
}
