import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    create table warehouses (
      id uuid primary key,
      code text not null unique,
      name text not null,
      country char(2) not null,
      region text not null,
      priority int not null default 100,
      active boolean not null default true,
      created_at timestamptz not null default now()
    );

    -- The checks are the last line against overselling: no statement can leave reserved > on_hand.
    create table stock_levels (
      sku text not null,
      warehouse_id uuid not null references warehouses(id),
      on_hand int not null default 0 check (on_hand >= 0),
      reserved int not null default 0 check (reserved >= 0),
      safety_stock int not null default 0 check (safety_stock >= 0),
      updated_at timestamptz not null default now(),
      primary key (sku, warehouse_id),
      check (reserved <= on_hand)
    );
    create index stock_levels_warehouse_idx on stock_levels (warehouse_id);

    create table stock_adjustments (
      id uuid primary key,
      sku text not null,
      warehouse_id uuid not null references warehouses(id),
      delta int not null,
      on_hand_after int not null,
      reason text not null,
      note text,
      actor text,
      created_at timestamptz not null default now()
    );
    create index stock_adjustments_sku_idx on stock_adjustments (sku, warehouse_id, created_at);

    create table reservations (
      id uuid primary key,
      order_id uuid not null,
      line_id uuid,
      sku text not null,
      warehouse_id uuid not null references warehouses(id),
      quantity int not null check (quantity > 0),
      status text not null default 'active' check (status in ('active','released','committed')),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    create index reservations_order_idx on reservations (order_id);
    create index reservations_sku_active_idx on reservations (sku, warehouse_id) where status = 'active';
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    'drop table reservations; drop table stock_adjustments; drop table stock_levels; drop table warehouses;',
  );
}
