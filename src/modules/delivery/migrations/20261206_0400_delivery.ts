import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

// carrier_lanes: each carrier's measured record per destination (country, province), a rollup of the
// delivered shipments of the last 90 days recomputed by a job (carrier_lanes_refresh holds when, so
// one process refreshes at a time); a delivery choice reads a few of its rows, never the shipments.
// delivery_plans: the warehouse(s) and carrier chosen for each parcel of an order, and why.
// bin_locations: where a SKU sits in a warehouse; pick_lists: a warehouse's shipments batched for one
// walk through the bins (a shipment is in one pick list at most).
export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `create table carrier_lanes (
       carrier text not null,
       country text not null,
       province text not null,
       deliveries int not null,
       on_time int not null,
       lead_hours double precision not null,
       primary key (country, province, carrier));
     create table carrier_lanes_refresh (
       id int primary key check (id = 1),
       refreshed_at timestamptz not null);
     insert into carrier_lanes_refresh values (1, '-infinity');

     create table delivery_plans (
       order_id uuid not null,
       ship_to text not null,
       warehouses text[] not null,
       carrier text,
       service text,
       reason text not null,
       created_at timestamptz not null default now(),
       primary key (order_id, ship_to));

     create table bin_locations (
       warehouse_id uuid not null,
       sku text not null,
       location text not null,
       updated_at timestamptz not null default now(),
       primary key (warehouse_id, sku));

     create table pick_lists (
       id uuid primary key,
       warehouse_id uuid not null,
       day text not null, -- the UTC day, YYYY-MM-DD
       shipments jsonb not null,
       created_by text not null,
       created_at timestamptz not null default now());
     create index pick_lists_warehouse_idx on pick_lists (warehouse_id, day);
     create table pick_list_lines (
       pick_list_id uuid not null references pick_lists(id),
       seq int not null,
       location text,
       sku text not null,
       quantity int not null,
       shipments jsonb not null,
       primary key (pick_list_id, seq));
     create table pick_list_shipments (
       shipment_id uuid primary key,
       pick_list_id uuid not null references pick_lists(id));`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `drop table pick_list_shipments; drop table pick_list_lines; drop table pick_lists; drop table bin_locations;
     drop table delivery_plans; drop table carrier_lanes_refresh; drop table carrier_lanes;`,
  );
}
