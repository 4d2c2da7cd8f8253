import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

// A mark now says which orders were newly placed in its hour (`placed`), or, null, that facts of
// orders already rolled up changed: the refresh adds the new orders' share to the rollup rows instead
// of recomputing their hour from every fact in it (rollup-refresh.ts). Marks made before are null.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(db, 'alter table analytics_dirty_marks add column placed uuid[];');
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(db, 'alter table analytics_dirty_marks drop column placed;');
}
