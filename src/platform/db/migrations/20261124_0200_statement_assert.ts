import type { Kysely } from 'kysely';
import { runSql } from '../run-sql.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    -- Fails the statement that calls it when ok is false, as a serialization failure (40001), so a
    -- write made of many CTEs is undone whole and retried like a transaction that lost a race. Placing
    -- an order is one such statement: its stock check comes back through here.
    -- (The body is on one line: runSql splits statements at a semicolon that ends a line.)
    create function ordersync_assert(ok boolean, message text) returns boolean language plpgsql as $$
      begin if not ok then raise exception using errcode = 'serialization_failure', message = message; end if; return true; end
    $$;
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(db, 'drop function ordersync_assert(boolean, text);');
}
