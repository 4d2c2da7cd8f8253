import type { Kysely } from 'kysely';
import { runSql } from '../run-sql.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    -- Fails the statement that calls it when ok is false with a refusal the caller names (raise_exception,
    -- P0001, message = reason): a business rule checked inside a statement of many CTEs, such as a flash
    -- sale's allotment taken in the same statement as the order, whose answer is "no" rather than "try again".
    -- (The body is on one line: runSql splits statements at a semicolon that ends a line.)
    create function ordersync_refuse_unless(ok boolean, reason text) returns boolean language plpgsql as $$
      begin if not ok then raise exception using errcode = 'raise_exception', message = reason; end if; return true; end
    $$;
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(db, 'drop function ordersync_refuse_unless(boolean, text);');
}
