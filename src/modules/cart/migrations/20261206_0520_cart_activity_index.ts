import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

// Analytics counts carts created and checked out per hour (cartActivity); these keep that a range read.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `create index carts_created_idx on carts (created_at);
     create index carts_checked_out_idx on carts (updated_at) where status = 'checked_out';`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(db, 'drop index carts_checked_out_idx; drop index carts_created_idx;');
}
