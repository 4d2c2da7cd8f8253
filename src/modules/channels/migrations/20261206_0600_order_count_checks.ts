import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    -- The daily count check (count-check.ts): per channel and UTC day, the orders the channel says it
    -- has, ours before the check re-read the day, and ours after. A day still short after the re-read
    -- is a mismatch an operator looks into.
    create table channel_order_counts (
      channel_id uuid not null references channels(id) on delete cascade,
      day date not null,
      channel_count integer not null,
      our_count_before integer not null,
      our_count integer not null,
      checked_at timestamptz not null default now(),
      primary key (channel_id, day)
    );
    alter table channel_sync_state add column next_count_check_at timestamptz not null default now();
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    'alter table channel_sync_state drop column next_count_check_at; drop table channel_order_counts;',
  );
}
