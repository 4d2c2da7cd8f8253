import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

// Facts: one row per order (and per order line, per payment) written by the analytics consumer from
// the events, exactly once through its inbox. Rollups: what the API reads, recomputed for the
// placement hours the facts touched (analytics_dirty_hours) by a scheduled job. Every rollup is keyed
// by the hour (or UTC day) the order was PLACED: a funnel or a lead time is about a cohort of orders.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `create table analytics_orders (
       order_id uuid primary key,
       placed_at timestamptz not null,
       currency text not null,
       channel text not null,
       region text not null,
       payment_method text not null,
       grand_total bigint not null,
       units int not null,
       paid_at timestamptz,
       pay_provider text,
       shipped_at timestamptz,
       warehouse text,
       carrier text,
       delivered_at timestamptz,
       completed_at timestamptz,
       cancelled_at timestamptz,
       cancel_reason text);
     create index analytics_orders_placed_idx on analytics_orders (placed_at);

     create table analytics_order_lines (
       order_id uuid not null,
       sku text not null,
       category text not null,
       quantity int not null,
       amount bigint not null,
       primary key (order_id, sku));

     create table analytics_payments (
       payment_id uuid primary key,
       order_id uuid not null,
       provider text not null,
       succeeded boolean not null default false,
       failed boolean not null default false);
     create index analytics_payments_order_idx on analytics_payments (order_id);

     create table analytics_dirty_hours (hour timestamptz primary key, marked_at timestamptz not null);

     create table analytics_sales_hourly (
       hour timestamptz not null, currency text not null, channel text not null, region text not null,
       payment_method text not null, orders int not null, gmv bigint not null, units bigint not null,
       primary key (hour, currency, channel, region, payment_method));

     create table analytics_category_hourly (
       hour timestamptz not null, currency text not null, category text not null,
       orders int not null, gmv bigint not null, units bigint not null,
       primary key (hour, currency, category));

     create table analytics_funnel_hourly (
       hour timestamptz not null, stage text not null, reason text not null default '',
       orders int not null, primary key (hour, stage, reason));

     create table analytics_payments_hourly (
       hour timestamptz not null, provider text not null, attempts int not null,
       succeeded int not null, failed int not null, primary key (hour, provider));

     create table analytics_lead_times_daily (
       day timestamptz not null, stage text not null, dimension text not null, value text not null,
       bucket int not null, orders int not null,
       primary key (day, stage, dimension, value, bucket));`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `drop table analytics_lead_times_daily; drop table analytics_payments_hourly;
     drop table analytics_funnel_hourly; drop table analytics_category_hourly;
     drop table analytics_sales_hourly; drop table analytics_dirty_hours; drop table analytics_payments;
     drop table analytics_order_lines; drop table analytics_orders;`,
  );
}
