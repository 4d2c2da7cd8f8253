import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

/**
 * Pricing rules as data. The catch-all zone keeps what was hard-coded before: 10.00 per address, free
 * from 99.00, cash on delivery without a fee.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    create table promotions (
      id uuid primary key,
      name text not null,
      code text,
      currency char(3) not null,
      active boolean not null default true,
      starts_at timestamptz,
      ends_at timestamptz,
      priority int not null default 0,
      exclusive boolean not null default false,
      conditions jsonb not null default '{}',
      action jsonb not null,
      usage_limit int,
      per_customer_limit int,
      -- counted by the order's statement, never past usage_limit (a conditional update, as stock)
      used int not null default 0 check (usage_limit is null or used <= usage_limit),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index promotions_code_idx on promotions (lower(code)) where code is not null;

    -- uses per customer (normalized e-mail), for per_customer_limit
    create table promotion_customer_uses (
      promotion_id uuid not null references promotions(id),
      customer text not null,
      uses int not null check (uses > 0),
      primary key (promotion_id, customer)
    );

    create table shipping_zones (
      id uuid primary key,
      name text not null,
      currency char(3),
      regions jsonb not null,
      rates jsonb not null,
      cod jsonb,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    create table tax_rates (
      id uuid primary key,
      country char(2) not null,
      province text,
      category text not null,
      basis_points int not null check (basis_points between 0 and 10000),
      inclusive boolean not null,
      name text not null,
      created_at timestamptz not null default now()
    );
    create unique index tax_rates_region_idx on tax_rates (country, coalesce(lower(province), ''), category);

    insert into shipping_zones (id, name, currency, regions, rates, cod) values (
      '0193a000-0000-7000-8000-000000000001', 'Everywhere', null, '[{"country":"*"}]',
      '[{"carrier":"post","service":"standard","basis":"flat","price":1000,"freeFrom":9900,"minDays":2,"maxDays":5}]',
      '{"fee":0}'
    );
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    'drop table promotion_customer_uses; drop table promotions; drop table shipping_zones; drop table tax_rates;',
  );
}
