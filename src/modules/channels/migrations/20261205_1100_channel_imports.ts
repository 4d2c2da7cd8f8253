import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

// A file import is a job: its upload on disk (under DATA_DIR), its progress, and a checkpoint written
// in the same transaction as each batch of orders, so a worker that dies is taken over where it was.
// `locked_by`/`lease_until` say who works on it; a lapsed lease lets the import job claim it again.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    create table channel_imports (
      id uuid primary key,
      channel_id uuid not null references channels (id) on delete cascade,
      channel_code text not null,
      currency text not null,
      format text not null check (format in ('csv', 'jsonl')),
      gzipped boolean not null,
      file_path text not null,
      file_bytes bigint not null,
      mapping jsonb not null,
      dry_run boolean not null,
      historical boolean not null,
      status text not null check (status in ('queued', 'running', 'completed', 'failed')),
      rows_read bigint not null default 0,
      bytes_read bigint not null default 0,
      orders_read integer not null default 0,
      orders_placed integer not null default 0,
      orders_already_there integer not null default 0,
      orders_held integer not null default 0,
      rows_rejected bigint not null default 0,
      rejected jsonb not null default '{"lines":{},"orders":{}}',
      errors_kept integer not null default 0,
      checkpoint_line bigint not null default 0,
      checkpoint jsonb,
      attempts integer not null default 0,
      locked_by text,
      lease_until timestamptz,
      error text,
      created_at timestamptz not null default now(),
      started_at timestamptz,
      run_started_at timestamptz,
      run_started_bytes bigint not null default 0,
      updated_at timestamptz not null default now(),
      finished_at timestamptz
    );
    create index channel_imports_channel_idx on channel_imports (channel_id, created_at desc);
    create index channel_imports_unfinished_idx on channel_imports (lease_until) where status in ('queued', 'running');
    create table channel_import_errors (
      import_id uuid not null references channel_imports (id) on delete cascade,
      line bigint not null,
      external_id text not null,
      reason text not null,
      primary key (import_id, line, reason)
    );
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(db, 'drop table channel_import_errors; drop table channel_imports;');
}
