import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    -- A data subject request (#17): an export or an erasure of one customer, run as a job. The export's
    -- archive is kept here until it expires (retention) or the customer is erased; an erasure, once
    -- done, is the clock for deleting the customer's remaining transaction records (retention).
    create table privacy_requests (
      id uuid primary key,
      kind text not null check (kind in ('export', 'erase')),
      customer_id uuid not null,
      status text not null default 'queued' check (status in ('queued', 'done', 'failed')),
      requested_by text not null,
      order_ids jsonb not null default '[]',
      archive jsonb,
      error text,
      created_at timestamptz not null default now(),
      finished_at timestamptz,
      purged_at timestamptz
    );
    create index privacy_requests_queued_idx on privacy_requests (created_at) where status = 'queued';
    create index privacy_requests_customer_idx on privacy_requests (customer_id, created_at desc);
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(db, 'drop table privacy_requests;');
}
