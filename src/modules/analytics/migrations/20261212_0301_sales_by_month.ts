import type { Kysely } from 'kysely';
import { runSql } from '../../../platform/db/run-sql.js';

// Sales per month of each rollup zone (a month cut at that zone's midnights), summed from the daily
// rows: a year by SKU is ~12 rows per SKU for the ranking and the previous period, not ~365.
export async function up(db: Kysely<unknown>): Promise<void> {
  await runSql(
    db,
    `create table analytics_sales_by_month (
       zone text not null, dimension text not null, month timestamptz not null, value text not null,
       currency text not null, orders int not null, gmv bigint not null, units bigint not null,
       primary key (zone, dimension, month, value, currency));
     insert into analytics_sales_by_month (zone, dimension, month, value, currency, orders, gmv, units)
     select zone, dimension, date_trunc('month', day, zone), value, currency, sum(orders), sum(gmv), sum(units)
     from analytics_sales_by_day group by 1, 2, 3, 4, 5;`,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await runSql(db, 'drop table analytics_sales_by_month;');
}
