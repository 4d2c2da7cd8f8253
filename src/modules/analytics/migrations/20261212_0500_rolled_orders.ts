import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

// A mark may now name the orders whose facts changed (`changed`), and the refresh keeps, per order,
// the facts it last rolled up (`analytics_rolled_orders`): a change is then applied as what the order
// holds now less what was rolled up, not by recomputing its hour and day (rollup-refresh.ts). A table
// of its own, written by the refresh only, so the consumer's updates of the facts never conflict with
// it. Orders rolled up before it have no row: a change to one recomputes its hour, once.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `alter table analytics_dirty_marks add column changed uuid[];
     create table analytics_rolled_orders (order_id uuid primary key, rolled jsonb not null);`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    'drop table analytics_rolled_orders; alter table analytics_dirty_marks drop column changed;',
  );
}
