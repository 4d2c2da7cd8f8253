import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    -- Return windows per region ('*' is the default) and reason group. 7 days for a change of mind
    -- follows the PRC consumer-protection rule for online purchases; quality problems get longer.
    create table return_rules (
      region text not null,
      reason_group text not null check (reason_group in ('change_of_mind','quality')),
      window_days int not null check (window_days between 0 and 3650),
      primary key (region, reason_group)
    );
    insert into return_rules (region, reason_group, window_days) values
      ('*', 'change_of_mind', 7), ('*', 'quality', 15);

    create table returns (
      id uuid primary key,
      order_id uuid not null references orders(id),
      type text not null check (type in ('return_refund','exchange','refund_only')),
      -- before_shipment: refund-only of units not shipped yet; after_delivery: everything else
      stage text not null check (stage in ('before_shipment','after_delivery')),
      status text not null,
      reason text not null,
      note text,
      photos jsonb not null default '[]',
      region text not null,
      decision_note text,
      restock_warehouse_id uuid,
      refund_amount bigint,
      shipping_refund bigint not null default 0,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index returns_order_idx on returns (order_id);
    create index returns_status_idx on returns (status, created_at desc);

    create table return_lines (
      id uuid primary key,
      return_id uuid not null references returns(id),
      order_line_id uuid not null,
      sku text not null,
      quantity int not null check (quantity > 0),
      unit_price bigint not null,
      exchange_sku text
    );
    create index return_lines_return_idx on return_lines (return_id);
    create index return_lines_order_line_idx on return_lines (order_line_id);

    create table kb_articles (
      id uuid primary key,
      title text not null,
      body text not null,
      tags text[] not null default '{}',
      reason_codes text[] not null default '{}',
      -- tags joined by the service: array_to_string is not immutable, so it cannot feed the generated column
      tags_text text not null default '',
      search tsvector generated always as (
        setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', tags_text), 'A') ||
        setweight(to_tsvector('simple', body), 'B')
      ) stored,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index kb_articles_search_idx on kb_articles using gin (search);
    create index kb_articles_reasons_idx on kb_articles using gin (reason_codes);
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    'drop table kb_articles; drop table return_lines; drop table returns; drop table return_rules;',
  );
}
