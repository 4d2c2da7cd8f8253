import { sql } from 'kysely';
import type { Db, Trx } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { reservedFrom } from '../inventory/index.js';
import { recomputeActivity } from './activity-refresh.js';
import { ROLLUP_ZONES } from './analytics-range.js';
import { LEAD_TIME_BUCKETS_PER_DOUBLING } from './lead-time-histogram.js';

/** Hours claimed per round: a backfill of a year is ~9,000 hours, done in rounds of this many. */
const HOURS_PER_ROUND = 240;

/**
 * One round of the rollup refresh: claims up to HOURS_PER_ROUND dirty placement hours, recomputes
 * every hourly rollup row of those hours from the facts, then the daily rows of their days (per rollup
 * zone) from the hourly rows, the lead-time histograms of their UTC days from the facts and of their
 * months from the days; and the cart and refusal activity of the last hours (activity-refresh.ts).
 * Says how many hours it claimed. One refresher at a time (an advisory lock held for the transaction).
 */
export async function refreshRollups(
  db: Db,
  hoursPerRound = HOURS_PER_ROUND,
  now = new Date(),
): Promise<number> {
  return inTransaction(db, async (trx) => {
    await sql`select pg_advisory_xact_lock(hashtext('analytics-rollup-refresh'))`.execute(trx);
    // The planner guesses 100 claimed hours of ~5,000 orders each on a big table, and the cost passes
    // jit_above_cost: PostgreSQL then spends ~300 ms compiling each statement that runs in ~5 ms.
    await sql`set local jit = off`.execute(trx);
    // Only marks committed before this statement are claimed: a consumer's later mark stays for the
    // next round, and the facts of every claimed mark are visible to the statements below.
    const claimed = await sql<{ hour: Date }>`
      with gone as (
        delete from analytics_dirty_marks
        where hour in (select distinct hour from analytics_dirty_marks order by hour limit ${hoursPerRound})
        returning hour)
      select distinct hour from gone`.execute(trx);
    const activityHours = await recomputeActivity(trx, now);
    if (claimed.rows.length > 0) {
      const hours = JSON.stringify(claimed.rows.map((r) => new Date(r.hour).toISOString()));
      await recomputeHours(trx, hours);
      await recomputeDays(trx, hours);
      await recomputeLeadTimes(trx, hours);
      await recomputeSkuWarehouseDays(trx, hours);
    }
    if (activityHours) await recomputeActivityDays(trx, activityHours);
    return claimed.rows.length;
  });
}

/** Runs rounds until nothing is dirty (tests, the benchmark's backfill). */
export async function refreshAllRollups(db: Db): Promise<number> {
  let total = 0;
  for (let n = await refreshRollups(db); n > 0; n = await refreshRollups(db)) total += n;
  return total;
}

// The claimed hours, as a relation (a JSON array parameter works the same on pg and PGlite).
const hoursOf = (hours: string) =>
  sql`(select value::timestamptz as hour from jsonb_array_elements_text(${hours}::jsonb)) h`;
// The facts of orders placed in those hours, an index range per hour (analytics_orders_placed_idx):
// `offset 0` keeps the planner from flattening it into a join it may run as a scan of every order.
const ordersIn = (hours: string) =>
  sql`${hoursOf(hours)} cross join lateral (
        select * from analytics_orders o
        where o.placed_at >= h.hour and o.placed_at < h.hour + interval '1 hour' offset 0) o`;

// `= any(array(…))`, not `in (select …)`: an index lookup per value, where the semi-join may be
// planned as a scan of the whole rollup.
async function clear(trx: Trx, table: string, hours: string) {
  await sql`delete from ${sql.table(table)} where hour = any(array(select hour from ${hoursOf(hours)}))`.execute(
    trx,
  );
}

async function recomputeHours(trx: Trx, hours: string): Promise<void> {
  for (const table of [
    'analytics_sales_by_hour',
    'analytics_funnel_hourly',
    'analytics_payments_hourly',
    'analytics_returns_by_hour',
  ])
    await clear(trx, table, hours);
  // One row per (dimension, value): a report by region reads the region rows only.
  await sql`
    insert into analytics_sales_by_hour (dimension, hour, value, currency, orders, gmv, units)
    select d.dimension, h.hour, d.value, o.currency, count(*), sum(o.grand_total), sum(o.units)
    from ${ordersIn(hours)}
    cross join lateral (values ('all', 'all'), ('channel', o.channel), ('region', o.region),
                               ('payment_method', o.payment_method)) d(dimension, value)
    group by 1, 2, 3, 4`.execute(trx);
  // By category and SKU an order counts once in each of its categories and SKUs, with their lines' sums.
  await sql`
    insert into analytics_sales_by_hour (dimension, hour, value, currency, orders, gmv, units)
    select d.dimension, h.hour, d.value, o.currency, count(distinct o.order_id), sum(l.amount), sum(l.quantity)
    from ${ordersIn(hours)} join analytics_order_lines l on l.order_id = o.order_id
    cross join lateral (values ('category', l.category), ('sku', l.sku)) d(dimension, value)
    group by 1, 2, 3, 4`.execute(trx);
  // Each order counts once per stage it reached; a cancellation under its reason.
  await sql`
    insert into analytics_funnel_hourly (hour, stage, reason, orders)
    select h.hour, s.stage, s.reason, count(*)
    from ${ordersIn(hours)}
    cross join lateral (values
      ('placed', '', true),
      ('paid', '', o.paid_at is not null),
      ('shipped', '', o.shipped_at is not null),
      ('delivered', '', o.delivered_at is not null),
      ('completed', '', o.completed_at is not null),
      ('cancelled', coalesce(o.cancel_reason, ''), o.cancelled_at is not null)
    ) s(stage, reason, reached)
    where s.reached
    group by 1, 2, 3`.execute(trx);
  await sql`
    insert into analytics_payments_hourly (hour, provider, attempts, succeeded, failed)
    select h.hour, p.provider, count(*), count(*) filter (where p.succeeded), count(*) filter (where p.failed)
    from ${ordersIn(hours)} join analytics_payments p on p.order_id = o.order_id
    group by 1, 2`.execute(trx);
  // Returns of the orders placed in the hour (not rejected), by SKU, category and reason.
  await sql`
    insert into analytics_returns_by_hour (dimension, hour, value, returns, units, refunded)
    select d.dimension, h.hour, d.value, count(distinct r.return_id), sum(l.quantity),
           count(distinct r.return_id) filter (where r.refunded)
    from ${ordersIn(hours)} join analytics_returns r on r.order_id = o.order_id and not r.rejected
    join analytics_return_lines l on l.return_id = r.return_id
    cross join lateral (values ('all', 'all'), ('sku', l.sku), ('category', l.category), ('reason', r.reason))
      d(dimension, value)
    group by 1, 2, 3`.execute(trx);
}

/**
 * The daily rows of the claimed hours' days, summed from the hourly rows: sales per rollup zone (a
 * day cut at that zone's midnight), the reports without buckets per UTC day.
 */
async function recomputeDays(trx: Trx, hours: string): Promise<void> {
  for (const zone of ROLLUP_ZONES) {
    const days = sql`(select distinct date_trunc('day', hour, ${zone}) as day from ${hoursOf(hours)}) d`;
    await sql`delete from analytics_sales_by_day
              where zone = ${zone} and day = any(array(select day from ${days}))`.execute(trx);
    await sql`
      insert into analytics_sales_by_day (zone, dimension, day, value, currency, orders, gmv, units)
      select ${zone}, s.dimension, d.day, s.value, s.currency, sum(s.orders), sum(s.gmv), sum(s.units)
      from ${days} join analytics_sales_by_hour s
        on s.hour >= d.day and s.hour < (d.day at time zone ${zone} + interval '1 day') at time zone ${zone}
      group by 2, 3, 4, 5`.execute(trx);
  }
  const days = utcDaysOf(hours);
  const nextDay = sql`d.day + interval '1 day'`;
  await sql`delete from analytics_funnel_daily where day = any(array(select day from ${days}))`.execute(trx);
  await sql`
    insert into analytics_funnel_daily (day, stage, reason, orders)
    select d.day, f.stage, f.reason, sum(f.orders)
    from ${days} join analytics_funnel_hourly f on f.hour >= d.day and f.hour < ${nextDay}
    group by 1, 2, 3`.execute(trx);
  await sql`delete from analytics_payments_daily where day = any(array(select day from ${days}))`.execute(
    trx,
  );
  await sql`
    insert into analytics_payments_daily (day, provider, attempts, succeeded, failed)
    select d.day, p.provider, sum(p.attempts), sum(p.succeeded), sum(p.failed)
    from ${days} join analytics_payments_hourly p on p.hour >= d.day and p.hour < ${nextDay}
    group by 1, 2`.execute(trx);
  await sql`delete from analytics_returns_by_day where day = any(array(select day from ${days}))`.execute(
    trx,
  );
  await sql`
    insert into analytics_returns_by_day (dimension, day, value, returns, units, refunded)
    select r.dimension, d.day, r.value, sum(r.returns), sum(r.units), sum(r.refunded)
    from ${days} join analytics_returns_by_hour r on r.hour >= d.day and r.hour < ${nextDay}
    group by 1, 2, 3`.execute(trx);
}

const utcDaysOf = (hours: string) =>
  sql`(select distinct date_trunc('day', hour, 'UTC') as day from ${hoursOf(hours)}) d`;

/**
 * Lead-time histograms per UTC day of placement, by stage and by each dimension (`all` with value ''):
 * bucket = floor(log2(seconds) × LEAD_TIME_BUCKETS_PER_DOUBLING), seconds below 1 counted as 1; then
 * the ISO weeks (Monday, UTC) and the months of those days, summed from the days. Imported history has no lead times.
 */
async function recomputeLeadTimes(trx: Trx, hours: string): Promise<void> {
  const days = utcDaysOf(hours);
  await sql`delete from analytics_lead_times_daily where day = any(array(select day from ${days}))`.execute(
    trx,
  );
  await sql`
    insert into analytics_lead_times_daily (day, stage, dimension, value, bucket, orders)
    select d.day, s.stage, dm.dimension, dm.value,
           floor(ln(greatest(s.seconds, 1)) / ln(2) * ${LEAD_TIME_BUCKETS_PER_DOUBLING})::int, count(*)
    from ${days}
    join analytics_orders o on o.placed_at >= d.day and o.placed_at < d.day + interval '1 day'
    cross join lateral (values
      ('placed_paid', extract(epoch from o.paid_at - o.placed_at)),
      ('paid_shipped', extract(epoch from o.shipped_at - o.paid_at)),
      ('shipped_delivered', extract(epoch from o.delivered_at - o.shipped_at))
    ) s(stage, seconds)
    cross join lateral (values
      ('all', ''), ('warehouse', o.warehouse), ('carrier', o.carrier), ('region', o.region),
      ('provider', case when s.stage = 'placed_paid' then o.pay_provider end)
    ) dm(dimension, value)
    where s.seconds is not null and dm.value is not null and not o.historical
    group by 1, 2, 3, 4, 5`.execute(trx);
  await rollUpLeadTimeDays(trx, hours, 'week');
  await rollUpLeadTimeDays(trx, hours, 'month');
}

/** The lead-time histograms of the weeks (months) of the claimed hours, summed from their days. */
async function rollUpLeadTimeDays(trx: Trx, hours: string, unit: 'week' | 'month'): Promise<void> {
  const table = sql.table(`analytics_lead_times_${unit}ly`);
  const periods = sql`(select distinct date_trunc(${unit}, hour, 'UTC') as start from ${hoursOf(hours)}) p`;
  await sql`delete from ${table} where ${sql.ref(unit)} = any(array(select start from ${periods}))`.execute(
    trx,
  );
  await sql`
    insert into ${table} (${sql.ref(unit)}, stage, dimension, value, bucket, orders)
    select p.start, l.stage, l.dimension, l.value, l.bucket, sum(l.orders)
    from ${periods} join analytics_lead_times_daily l
      on l.day >= p.start and l.day < p.start + ${`1 ${unit}`}::interval
    group by 1, 2, 3, 4, 5`.execute(trx);
}

/**
 * Units per UTC day of placement, SKU and warehouse: each line's units as reserved per warehouse
 * (inventory's reservations, whatever became of them), a line without reservations in the warehouse
 * its order shipped from; a line with neither (imported history, not yet shipped) in none.
 */
// The days' orders and their lines by index, each `offset 0`: joined plainly, the planner guessed
// ~5,000 orders a day and hashed all ~1,000,000 lines (8 s a round at 1M orders, 30 ms this way).
async function recomputeSkuWarehouseDays(trx: Trx, hours: string): Promise<void> {
  const days = utcDaysOf(hours);
  await sql`delete from analytics_sku_warehouse_by_day where day = any(array(select day from ${days}))`.execute(
    trx,
  );
  const reserved = reservedFrom(trx);
  await sql`
    insert into analytics_sku_warehouse_by_day (day, sku, warehouse, units)
    select d.day, l.sku, w.warehouse, sum(w.units)
    from ${days}
    cross join lateral (
      select o.order_id, o.warehouse from analytics_orders o
      where o.placed_at >= d.day and o.placed_at < d.day + interval '1 day' offset 0) o
    cross join lateral (select l.sku, l.quantity from analytics_order_lines l where l.order_id = o.order_id offset 0) l
    cross join lateral (
      select r.warehouse, r.quantity as units from ${reserved} r where r.order_id = o.order_id and r.sku = l.sku
      union all
      select o.warehouse, l.quantity
      where o.warehouse is not null
        and not exists (select 1 from ${reserved} r where r.order_id = o.order_id and r.sku = l.sku)
    ) w
    group by 1, 2, 3`.execute(trx);
}

/** The UTC days of the activity hours just recomputed, summed from their hours. */
async function recomputeActivityDays(trx: Trx, range: { from: Date; to: Date }): Promise<void> {
  const days = sql`(select generate_series(date_trunc('day', ${range.from}::timestamptz, 'UTC'),
                                           ${range.to}::timestamptz - interval '1 microsecond',
                                           interval '1 day') as day) d`;
  await sql`delete from analytics_activity_by_day where day = any(array(select day from ${days}))`.execute(
    trx,
  );
  await sql`
    insert into analytics_activity_by_day (kind, day, key, events, units)
    select a.kind, d.day, a.key, sum(a.events), sum(a.units)
    from ${days} join analytics_activity_by_hour a on a.hour >= d.day and a.hour < d.day + interval '1 day'
    group by 1, 2, 3`.execute(trx);
}
