import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

// The proof a buyer holds for their order (returned once at placement), kept only as its SHA-256.
// Orders placed before it have none: a storefront key cannot reach them, staff keys still can.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(db, 'alter table orders add column access_token_hash text;');
}
