import type { Kysely } from 'kysely';
import { runSql } from '../run-sql.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    -- claim: the attempt that holds an in-progress key (a fresh token each time it is taken),
    -- locked_until: its lease, after which another attempt may take the key over,
    -- resource: what the command committed (an order's id), written in the command's own statement, so a
    -- retry after a crash can tell "placed" from "never placed".
    alter table idempotency_keys add column claim text;
    alter table idempotency_keys add column locked_until timestamptz;
    alter table idempotency_keys add column resource text;
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    'alter table idempotency_keys drop column claim, drop column locked_until, drop column resource;',
  );
}
