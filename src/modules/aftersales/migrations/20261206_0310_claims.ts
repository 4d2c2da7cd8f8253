import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

/**
 * Claims: a parcel that arrived with items missing, damaged or wrong, with the buyer's photos, and
 * how it was settled (a refund of the lines, a replacement shipment, or a partial compensation).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    create table claims (
      id uuid primary key,
      order_id uuid not null references orders(id),
      kind text not null check (kind in ('missing', 'damaged', 'wrong_item')),
      status text not null default 'open' check (status in ('open', 'resolved', 'rejected')),
      note text,
      photos jsonb not null default '[]',
      resolution text check (resolution in ('refund', 'replacement', 'compensation')),
      amount bigint check (amount >= 0),
      decision_note text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      check ((status = 'resolved') = (resolution is not null))
    );
    create index claims_order_idx on claims (order_id);
    create table claim_lines (
      id uuid primary key,
      claim_id uuid not null references claims(id),
      order_line_id uuid not null,
      sku text not null,
      quantity int not null check (quantity > 0)
    );
    create index claim_lines_claim_idx on claim_lines (claim_id);
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(db, 'drop table claim_lines; drop table claims;');
}
