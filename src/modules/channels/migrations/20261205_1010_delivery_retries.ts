import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    -- A delivery that could not be applied yet (a refund before its order) waits before the next try.
    alter table channel_deliveries add column next_attempt_at timestamptz not null default now();
    drop index channel_deliveries_pending_idx;
    create index channel_deliveries_pending_idx on channel_deliveries (next_attempt_at) where status = 'pending';
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    drop index channel_deliveries_pending_idx;
    alter table channel_deliveries drop column next_attempt_at;
    create index channel_deliveries_pending_idx on channel_deliveries (received_at) where status = 'pending';
    `,
  );
}
