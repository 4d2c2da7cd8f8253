import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    create table categories (
      id uuid primary key,
      parent_id uuid references categories(id),
      name text not null,
      slug text not null unique,
      -- ancestors and self as '/id/id/', so "this category and its descendants" is a prefix match
      path text not null,
      attributes jsonb not null default '[]',
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index categories_path_idx on categories (path text_pattern_ops);

    create table products (
      id uuid primary key,
      category_id uuid not null references categories(id),
      title text not null,
      description text not null default '',
      status text not null check (status in ('draft','active','archived')),
      attributes jsonb not null default '{}',
      images jsonb not null default '[]',
      -- lowest variant price, kept by the service, for price sort and filters
      min_price bigint,
      max_price bigint,
      search tsvector generated always as (
        setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', description), 'B')
      ) stored,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index products_search_idx on products using gin (search);
    create index products_attributes_idx on products using gin (attributes jsonb_path_ops);
    create index products_category_idx on products (category_id);
    create index products_newest_idx on products (created_at desc, id desc);
    create index products_price_idx on products (min_price, id);

    create table variants (
      id uuid primary key,
      product_id uuid not null references products(id),
      sku text not null unique,
      title text not null default '',
      options jsonb not null default '{}',
      price bigint not null check (price >= 0),
      currency char(3) not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index variants_product_idx on variants (product_id);
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(db, 'drop table variants; drop table products; drop table categories;');
}
