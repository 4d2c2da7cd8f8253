import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    -- A flash sale: 'sold' is the database's own count, the source of truth behind any Redis gate.
    create table campaigns (
      id uuid primary key,
      name text not null,
      sku text not null,
      starts_at timestamptz not null,
      ends_at timestamptz not null,
      allotted int not null check (allotted > 0),
      sold int not null default 0,
      per_customer_limit int not null check (per_customer_limit > 0),
      price bigint not null check (price >= 0),
      created_at timestamptz not null default now(),
      check (ends_at > starts_at),
      check (sold >= 0 and sold <= allotted)
    );
    create index campaigns_sku_idx on campaigns (sku);

    create table campaign_purchases (
      campaign_id uuid not null references campaigns(id),
      customer text not null,
      quantity int not null check (quantity >= 0),
      primary key (campaign_id, customer)
    );

    -- Queued intake: one ticket per campaign order accepted with 202, polled by the buyer.
    create table intake_tickets (
      id uuid primary key,
      campaign_id uuid not null references campaigns(id),
      status text not null default 'queued' check (status in ('queued','placed','failed')),
      request jsonb not null,
      order_id uuid,
      problem jsonb,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(db, 'drop table intake_tickets; drop table campaign_purchases; drop table campaigns;');
}
