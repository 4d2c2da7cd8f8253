import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    -- Where each channel's reconciliation stands: orders changed on the channel since the watermark
    -- (less an overlap) are read again on the next run.
    create table channel_sync_state (
      channel_id uuid primary key references channels(id) on delete cascade,
      watermark timestamptz,
      last_reconciled_at timestamptz,
      next_reconcile_at timestamptz not null default now(),
      last_error text,
      last_error_at timestamptz
    );
    -- Errors and throttling answers per channel, for its health (kept a day).
    create table channel_incidents (
      id uuid primary key,
      channel_id uuid not null references channels(id) on delete cascade,
      at timestamptz not null default now(),
      kind text not null check (kind in ('error','throttled')),
      message text not null
    );
    create index channel_incidents_idx on channel_incidents (channel_id, at);
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(db, 'drop table channel_incidents; drop table channel_sync_state;');
}
