import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

// Units sold per UTC day of placement, SKU and the warehouse they were reserved from (or, without a
// reservation, shipped from): sales velocity and days of cover per SKU × warehouse. Filled here for
// the orders already there, as the refresh job (rollup-refresh.ts) computes it for the hours it claims.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `create table analytics_sku_warehouse_by_day (
       day timestamptz not null, sku text not null, warehouse text not null, units bigint not null,
       primary key (day, sku, warehouse));
     insert into analytics_sku_warehouse_by_day (day, sku, warehouse, units)
     select date_trunc('day', o.placed_at, 'UTC'), l.sku, w.warehouse, sum(w.units)
     from analytics_orders o join analytics_order_lines l on l.order_id = o.order_id
     cross join lateral (
       select wh.code as warehouse, r.quantity as units
       from reservations r join warehouses wh on wh.id = r.warehouse_id
       where r.order_id = o.order_id and r.sku = l.sku
       union all
       select o.warehouse, l.quantity
       where o.warehouse is not null
         and not exists (select 1 from reservations r where r.order_id = o.order_id and r.sku = l.sku)) w
     group by 1, 2, 3;`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(db, 'drop table analytics_sku_warehouse_by_day;');
}
