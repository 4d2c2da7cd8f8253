import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    create table carts (
      id uuid primary key,
      currency char(3),
      status text not null default 'open' check (status in ('open','checked_out')),
      order_id uuid,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );

    create table cart_items (
      id uuid primary key,
      cart_id uuid not null references carts(id) on delete cascade,
      sku text not null,
      quantity int not null check (quantity between 1 and 999),
      created_at timestamptz not null default now(),
      unique (cart_id, sku)
    );

    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(db, 'drop table cart_items; drop table carts;');
}
