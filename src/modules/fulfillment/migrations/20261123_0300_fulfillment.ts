import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `
    create table shipments (
      id uuid primary key,
      order_id uuid not null references orders(id),
      -- 'replacement': goods sent for an exchange; they do not move the order's own status
      kind text not null check (kind in ('order','replacement')),
      return_id uuid,
      warehouse_id uuid not null references warehouses(id),
      ship_to text not null,
      status text not null,
      carrier text,
      tracking_number text,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now(),
      shipped_at timestamptz,
      delivered_at timestamptz
    );
    create index shipments_order_idx on shipments (order_id);
    create unique index shipments_tracking_idx on shipments (carrier, tracking_number)
      where tracking_number is not null;

    -- Each reservation leaves in at most one shipment: two concurrent shipments of the same lines
    -- cannot both be written.
    create table shipment_lines (
      id uuid primary key,
      shipment_id uuid not null references shipments(id),
      order_line_id uuid not null,
      reservation_id uuid not null unique,
      sku text not null,
      quantity int not null check (quantity > 0)
    );
    create index shipment_lines_shipment_idx on shipment_lines (shipment_id);

    -- dedupe_key identifies one carrier event, so the same push twice adds nothing.
    create table tracking_events (
      id uuid primary key,
      shipment_id uuid not null references shipments(id),
      occurred_at timestamptz not null,
      status text not null,
      carrier_status text,
      description text not null,
      location text,
      dedupe_key text not null,
      received_at timestamptz not null default now(),
      unique (shipment_id, dedupe_key)
    );
    create index tracking_events_shipment_idx on tracking_events (shipment_id, occurred_at);
    `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(db, 'drop table tracking_events; drop table shipment_lines; drop table shipments;');
}
