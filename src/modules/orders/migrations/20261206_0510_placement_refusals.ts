import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

// Placements refused (for stock, or a checkout refused for any reason), one row each, written after
// the refused transaction rolled back: append-only, so a flash sale's refusals never wait on one
// another. Analytics counts them (stockouts per SKU and day, checkouts started).
export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `create table order_refusals (
       id uuid primary key,
       at timestamptz not null default now(),
       source text not null check (source in ('order', 'checkout')),
       cart_id uuid,
       reason text not null,
       channel text,
       shortages jsonb not null default '[]');
     create index order_refusals_at_idx on order_refusals (at);`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(db, 'drop table order_refusals;');
}
