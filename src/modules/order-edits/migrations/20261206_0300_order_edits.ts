import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

/**
 * Each edit of an order before shipment, numbered per order: what the order was and became (lines,
 * addresses, shipping choice, totals), and the money that moved because of it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    create table order_edits (
      id uuid primary key,
      order_id uuid not null references orders(id),
      version int not null check (version > 0),
      actor text not null,
      reason text,
      before jsonb not null,
      after jsonb not null,
      -- new grand total − old grand total
      difference bigint not null,
      refunded bigint not null default 0 check (refunded >= 0),
      due bigint not null default 0 check (due >= 0),
      created_at timestamptz not null default now(),
      unique (order_id, version)
    );
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(db, 'drop table order_edits;');
}
