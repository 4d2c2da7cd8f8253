import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    -- Money a provider reported that does not match its intent (status held): recorded as received,
    -- until an operator accepts or refunds it.
    alter table payments add column received_amount bigint check (received_amount > 0);
    alter table payments add column received_currency char(3);
    -- Closing the trade at the provider once its intent is cancelled unpaid, after the cancel commits:
    -- pending until the provider confirms (or says there is nothing to close), retried until then.
    alter table payments add column close_status text check (close_status in ('pending','closed','refused'));
    alter table payments add column close_attempts int not null default 0;
    alter table payments add column close_due_at timestamptz;
    alter table payments add column close_note text;
    create index payments_close_due_idx on payments (close_due_at) where close_status = 'pending';
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `drop index payments_close_due_idx;
    alter table payments drop column received_amount;
    alter table payments drop column received_currency;
    alter table payments drop column close_status;
    alter table payments drop column close_attempts;
    alter table payments drop column close_due_at;
    alter table payments drop column close_note;`,
  );
}
