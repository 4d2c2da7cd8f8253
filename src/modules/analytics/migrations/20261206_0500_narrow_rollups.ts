import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

// Narrow rollups: one row per (time, dimension, value), so a report grouped by one dimension reads only
// that dimension's rows, and daily (per rollup zone) and monthly rows so a long range reads few of them.
// The hourly tables stay the source of the daily ones (a day is summed from its hours, never from the
// facts), and serve short ranges and the edges of long ones.
//
// Also: the facts of returns, the imported history flag, cart and refusal activity (carts created,
// checkouts, stockouts: counted when they happen, not per placement cohort), and the refresh's marks.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `drop table analytics_sales_hourly;
     drop table analytics_category_hourly;

     alter table analytics_orders add column historical boolean not null default false;

     create table analytics_sales_by_hour (
       dimension text not null, hour timestamptz not null, value text not null, currency text not null,
       orders int not null, gmv bigint not null, units bigint not null,
       primary key (dimension, hour, value, currency));
     create index analytics_sales_by_hour_hour_idx on analytics_sales_by_hour (hour);

     create table analytics_sales_by_day (
       zone text not null, dimension text not null, day timestamptz not null, value text not null,
       currency text not null, orders int not null, gmv bigint not null, units bigint not null,
       primary key (zone, dimension, day, value, currency));
     create index analytics_sales_by_day_day_idx on analytics_sales_by_day (day);

     create table analytics_funnel_daily (
       day timestamptz not null, stage text not null, reason text not null,
       orders int not null, primary key (day, stage, reason));

     create table analytics_payments_daily (
       day timestamptz not null, provider text not null, attempts int not null,
       succeeded int not null, failed int not null, primary key (day, provider));

     create table analytics_lead_times_monthly (
       month timestamptz not null, stage text not null, dimension text not null, value text not null,
       bucket int not null, orders int not null,
       primary key (month, stage, dimension, value, bucket));

     create table analytics_returns (
       return_id uuid primary key,
       order_id uuid not null,
       reason text not null,
       rejected boolean not null default false,
       refunded boolean not null default false);
     create index analytics_returns_order_idx on analytics_returns (order_id);

     create table analytics_return_lines (
       return_id uuid not null, sku text not null, category text not null, quantity int not null,
       primary key (return_id, sku));

     create table analytics_returns_by_hour (
       dimension text not null, hour timestamptz not null, value text not null,
       returns int not null, units bigint not null, refunded int not null,
       primary key (dimension, hour, value));
     create index analytics_returns_by_hour_hour_idx on analytics_returns_by_hour (hour);

     create table analytics_returns_by_day (
       dimension text not null, day timestamptz not null, value text not null,
       returns int not null, units bigint not null, refunded int not null,
       primary key (dimension, day, value));
     create index analytics_returns_by_day_day_idx on analytics_returns_by_day (day);

     create table analytics_activity_by_hour (
       kind text not null, hour timestamptz not null, key text not null,
       events int not null, units bigint not null, primary key (kind, hour, key));
     create index analytics_activity_by_hour_hour_idx on analytics_activity_by_hour (hour);

     create table analytics_activity_by_day (
       kind text not null, day timestamptz not null, key text not null,
       events int not null, units bigint not null, primary key (kind, day, key));
     create index analytics_activity_by_day_day_idx on analytics_activity_by_day (day);

     create table analytics_refresh_marks (name text primary key, upto timestamptz not null);

     -- Append-only marks instead of one row per hour: a consumer's transaction inserts its mark and
     -- holds no row another consumer's transaction needs (the upsert of the hour's row did, until
     -- commit, so every consumer transaction of the current hour queued on it).
     create table analytics_dirty_marks (hour timestamptz not null);
     create index analytics_dirty_marks_hour_idx on analytics_dirty_marks (hour);
     drop table analytics_dirty_hours;
     insert into analytics_dirty_marks (hour)
     select distinct date_trunc('hour', placed_at, 'UTC') from analytics_orders;`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `drop table analytics_dirty_marks;
     create table analytics_dirty_hours (hour timestamptz primary key, marked_at timestamptz not null);
     drop table analytics_refresh_marks; drop table analytics_activity_by_day;
     drop table analytics_activity_by_hour; drop table analytics_returns_by_day;
     drop table analytics_returns_by_hour; drop table analytics_return_lines; drop table analytics_returns;
     drop table analytics_lead_times_monthly; drop table analytics_payments_daily;
     drop table analytics_funnel_daily; drop table analytics_sales_by_day; drop table analytics_sales_by_hour;
     alter table analytics_orders drop column historical;
     create table analytics_sales_hourly (
       hour timestamptz not null, currency text not null, channel text not null, region text not null,
       payment_method text not null, orders int not null, gmv bigint not null, units bigint not null,
       primary key (hour, currency, channel, region, payment_method));
     create table analytics_category_hourly (
       hour timestamptz not null, currency text not null, category text not null,
       orders int not null, gmv bigint not null, units bigint not null,
       primary key (hour, currency, category));
     insert into analytics_dirty_hours (hour, marked_at)
     select distinct date_trunc('hour', placed_at, 'UTC'), now() from analytics_orders
     on conflict (hour) do nothing;`,
  );
}
