import { type Kysely, sql } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

/**
 * enqueue() as an SQL function, for a change made by a statement the writing module does not see
 * whole: a trigger of the table that changes (inventory's stock levels are moved by many statements,
 * one of them inside order placement's). Same rows as outbox.ts writes: the subject's counter (row
 * lock until commit: gap-free sequences in commit order), the event (its id from ordersync_uuidv7,
 * migration 20261123_0500), its outbox_pending row.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // One statement, run whole (runSql would split the body at its semicolons).
  await sql
    .raw(`
    create function ordersync_enqueue(p_source text, p_subject text, p_type text, p_data jsonb)
    returns void language plpgsql as $$
    declare
      seq bigint;
      pos bigint;
    begin
      insert into outbox_subjects (subject, last_sequence) values (p_subject, 1)
      on conflict (subject) do update set last_sequence = outbox_subjects.last_sequence + 1
      returning last_sequence into seq;
      insert into outbox (id, source, type, subject, sequence, data)
      values (ordersync_uuidv7(), '/ordersync/' || p_source, 'com.ordersync.' || p_type, p_subject, seq, p_data)
      returning position into pos;
      insert into outbox_pending (position) values (pos);
    end
    $$`)
    .execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(db, 'drop function ordersync_enqueue(text, text, text, jsonb);');
}
