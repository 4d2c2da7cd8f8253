import { type RawBuilder, sql } from 'kysely';
import type { Db, Trx } from '../../platform/db/database.js';
import { isRetryable } from '../../platform/db/transaction.js';
import { reservedFrom } from '../inventory/index.js';
import { recomputeActivity } from './activity-refresh.js';
import { ROLLUP_ZONES } from './analytics-range.js';
import { LEAD_TIME_BUCKETS_PER_DOUBLING } from './lead-time-histogram.js';

/** Hours claimed per round: a backfill of a year is ~9,000 hours, done in rounds of this many. */
const HOURS_PER_ROUND = 240;
/**
 * Orders (new or changed) a round adds or applies at most; hours past it are recomputed instead (a
 * backfill's hours hold thousands each, and a recompute reads them by index range, not one by one).
 */
const ADDED_PER_ROUND = 20_000;

/**
 * One round of the rollup refresh. Claims the marks of up to HOURS_PER_ROUND marked placement hours
 * and of every other marked hour of their UTC days. Of an hour whose marks name orders (newly placed
 * or changed), it adds the new orders' share to every rollup row they feed (hour, day, week, month),
 * and applies the changed orders' difference: what their facts give now less what they gave when
 * last rolled up (kept per order in analytics_rolled_orders). An hour marked without names (imported
 * history), or naming an order rolled up before rolled facts were kept, or past the round's budget, has
 * every hourly row recomputed from the facts, then the daily rows of its days (per rollup zone) from
 * the hourly rows, the lead-time histograms of its UTC days from the facts and of their weeks and
 * months from the days, and every order of those days recorded as rolled up. Then the cart and
 * refusal activity of the last hours (activity-refresh.ts). Says how many hours it claimed.
 *
 * One snapshot (repeatable read) for the whole round: the marks it claims, and the facts it reads,
 * are those committed before it, and it deletes only those marks; a later order's mark stays for the
 * next round, which then adds its share (or its difference from what this round rolled up) exactly
 * once. One refresher at a time (an advisory lock held for the transaction); one that waited for
 * another's commit fails to serialize and runs again.
 */
export async function refreshRollups(
  db: Db,
  hoursPerRound = HOURS_PER_ROUND,
  now = new Date(),
): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db
        .transaction()
        .setIsolationLevel('repeatable read')
        .execute((trx) => refreshRound(trx, hoursPerRound, now));
    } catch (error) {
      if (!isRetryable(error) || attempt >= 5) throw error;
      await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 10));
    }
  }
}

async function refreshRound(trx: Trx, hoursPerRound: number, now: Date): Promise<number> {
  await sql`select pg_advisory_xact_lock(hashtext('analytics-rollup-refresh'))`.execute(trx);
  // The planner guesses 100 claimed hours of ~5,000 orders each on a big table, and the cost passes
  // jit_above_cost: PostgreSQL then spends ~300 ms compiling each statement that runs in ~5 ms.
  await sql`set local jit = off`.execute(trx);
  // the first marked hours, and every other marked hour of their UTC days: a day recomputed has all
  // its changes in hand, so every order of it can be recorded as rolled up as it is now
  const { rows: marked } = await sql<{ hour: Date; whole: boolean; named: number }>`
    with claimed as (
      select * from analytics_dirty_marks
      where date_trunc('day', hour, 'UTC') = any(array(
        select distinct date_trunc('day', hour, 'UTC')
        from (select distinct hour from analytics_dirty_marks order by hour limit ${hoursPerRound}) f)))
    select m.hour,
           bool_or(m.placed is null and m.changed is null) or bool_or(u.hour is not null) as whole,
           (coalesce(sum(cardinality(m.placed)), 0) + coalesce(sum(cardinality(m.changed)), 0))::int as named
    from claimed m
    -- a changed order rolled up before its rolled facts were kept (nor placed in the same hour): its
    -- hour is recomputed, once
    left join (
      select distinct c.hour from claimed c cross join lateral unnest(c.changed) x(id)
      where not exists (select 1 from analytics_rolled_orders r where r.order_id = x.id)
        and not exists (select 1 from claimed p where p.hour = c.hour and x.id = any(p.placed))) u
      on u.hour = m.hour
    group by m.hour order by m.hour`.execute(trx);
  const added: string[] = [];
  const recomputed: string[] = [];
  let adding = 0;
  for (const m of marked) {
    const hour = new Date(m.hour).toISOString();
    if (!m.whole && adding + m.named <= ADDED_PER_ROUND) {
      added.push(hour);
      adding += m.named;
    } else recomputed.push(hour);
  }
  if (added.length > 0) {
    const hours = JSON.stringify(added);
    await addNewOrders(trx, hours);
    await applyChanges(trx, hours);
    await keepRolled(trx, namedIn(hours));
  }
  const activityHours = await recomputeActivity(trx, now);
  if (recomputed.length > 0) {
    const hours = JSON.stringify(recomputed);
    await recomputeHours(trx, hours);
    await recomputeDays(trx, hours);
    await recomputeLeadTimes(trx, hours);
    await recomputeSkuWarehouseDays(trx, hours);
    await keepRolled(trx, ordersOfDays(hours));
  }
  if (marked.length > 0) {
    const claimed = JSON.stringify(marked.map((m) => new Date(m.hour).toISOString()));
    // the marks of this snapshot only: one committed since is not visible to this transaction
    await sql`delete from analytics_dirty_marks where hour = any(array(select hour from ${hoursOf(claimed)}))`.execute(
      trx,
    );
  }
  await recomputeActivityDays(trx, activityHours);
  return marked.length;
}

/**
 * Applies the changes to orders already rolled up, named by the marks of `hours` (those placed in the
 * same hours are counted as they are now by addNewOrders): to each rollup row their facts feed, what
 * their facts give now less what they gave when rolled up (analytics_rolled_orders), both sides
 * through the same sums as the recompute, a statement per rollup family. Sales rows do not move: an
 * order's sales facts are fixed when it is placed. A row a change empties is deleted, as a rebuild
 * would not write it.
 */
async function applyChanges(trx: Trx, hours: string): Promise<void> {
  const days = utcDaysOf(hours);
  await sql`
    with c as (
      select o.hour, s.stage, s.reason, sum(o.sign) as orders
      from ${bothSidesOf(hours)}
      ${stagesOf}
      where s.reached
      group by 1, 2, 3 having sum(o.sign) <> 0),
    ${funnelFromC}`.execute(trx);
  await sql`
    with sides as (
      select n.hour, 1 as sign, p.provider, p.succeeded, p.failed
      from ${changedIn(hours)} join analytics_payments p on p.order_id = n.id
      union all
      select n.hour, -1, p.provider, p.succeeded, p.failed
      from ${changedIn(hours)} join analytics_rolled_orders r on r.order_id = n.id
      cross join lateral jsonb_populate_recordset(null::analytics_payments, r.rolled->'p') p),
    c as (
      select hour, provider, sum(sign) as attempts, coalesce(sum(sign) filter (where succeeded), 0) as succeeded,
             coalesce(sum(sign) filter (where failed), 0) as failed
      from sides group by 1, 2
      having sum(sign) <> 0 or sum(sign) filter (where succeeded) <> 0 or sum(sign) filter (where failed) <> 0),
    ${paymentsFromC}`.execute(trx);
  await sql`
    with sides as (
      select n.hour, 1 as sign, r.return_id, r.reason, r.refunded
      from ${changedIn(hours)} join analytics_returns r on r.order_id = n.id and not r.rejected
      union all
      select n.hour, -1, r.return_id, r.reason, r.refunded
      from ${changedIn(hours)} join analytics_rolled_orders ro on ro.order_id = n.id
      cross join lateral jsonb_populate_recordset(null::analytics_returns, ro.rolled->'r') r
      where not r.rejected),
    each as (
      select x.sign, x.hour, d.dimension, d.value, bool_or(x.refunded) as refunded, sum(l.quantity) as units
      from sides x join analytics_return_lines l on l.return_id = x.return_id
      cross join lateral (values ('all', 'all'), ('sku', l.sku), ('category', l.category), ('reason', x.reason))
        d(dimension, value)
      group by x.sign, x.hour, d.dimension, d.value, x.return_id),
    c as (
      select dimension, hour, value, sum(sign) as returns, sum(sign * units) as units,
             coalesce(sum(sign) filter (where refunded), 0) as refunded
      from each group by 1, 2, 3),
    ${returnsFromC}`.execute(trx);
  await sql`
    with c as (
      select date_trunc('day', o.hour, 'UTC') as day, s.stage, dm.dimension, dm.value,
             floor(ln(greatest(s.seconds, 1)) / ln(2) * ${LEAD_TIME_BUCKETS_PER_DOUBLING})::int as bucket,
             sum(o.sign) as orders
      from ${bothSidesOf(hours)}
      ${leadTimesOf}
      where s.seconds is not null and dm.value is not null and not o.historical
      group by 1, 2, 3, 4, 5 having sum(o.sign) <> 0),
    ${leadTimesFromC}`.execute(trx);
  const reserved = reservedFrom(trx);
  await sql`
    with sides as (
      select n.hour, 1 as sign, l.sku, w.warehouse, w.units
      from ${changedIn(hours)} join analytics_orders o on o.order_id = n.id
      ${linesOf}
      ${warehouseUnitsOf(reserved)}
      union all
      select n.hour, -1, u.sku, u.warehouse, u.units
      from ${changedIn(hours)} join analytics_rolled_orders r on r.order_id = n.id
      cross join lateral jsonb_to_recordset(r.rolled->'w') u(sku text, warehouse text, units bigint))
    insert into analytics_sku_warehouse_by_day as t (day, sku, warehouse, units)
    select date_trunc('day', hour, 'UTC'), sku, warehouse, sum(sign * units) from sides
    group by 1, 2, 3 having sum(sign * units) <> 0
    ${addingTo(['day', 'sku', 'warehouse'], ['units'])}`.execute(trx);
  const inHours = sql`hour = any(array(select hour from ${hoursOf(hours)}))`;
  const inDays = sql`day = any(array(select day from ${days}))`;
  await sql`delete from analytics_funnel_hourly where ${inHours} and orders = 0`.execute(trx);
  await sql`delete from analytics_funnel_daily where ${inDays} and orders = 0`.execute(trx);
  await sql`delete from analytics_payments_hourly where ${inHours} and attempts = 0`.execute(trx);
  await sql`delete from analytics_payments_daily where ${inDays} and attempts = 0`.execute(trx);
  await sql`delete from analytics_returns_by_hour where ${inHours} and returns = 0`.execute(trx);
  await sql`delete from analytics_returns_by_day where ${inDays} and returns = 0`.execute(trx);
  await sql`delete from analytics_lead_times_daily where ${inDays} and orders = 0`.execute(trx);
  for (const unit of ['week', 'month'] as const)
    await sql`delete from ${sql.table(`analytics_lead_times_${unit}ly`)} where orders = 0 and ${sql.ref(unit)} =
                any(array(select date_trunc(${unit}, day, 'UTC') from ${days}))`.execute(trx);
  await sql`delete from analytics_sku_warehouse_by_day where ${inDays} and units = 0`.execute(trx);
}

/**
 * Records the orders as rolled up as they are now: their facts, payments, returns and units per
 * warehouse, what applyChanges takes away when they change next.
 */
async function keepRolled(trx: Trx, orders: RawBuilder<unknown>): Promise<void> {
  const reserved = reservedFrom(trx);
  await sql`
    insert into analytics_rolled_orders as t (order_id, rolled)
    select o.order_id, jsonb_build_object(
      'o', to_jsonb(o),
      'p', (select coalesce(jsonb_agg(to_jsonb(p)), '[]') from analytics_payments p where p.order_id = o.order_id),
      'r', (select coalesce(jsonb_agg(to_jsonb(r)), '[]') from analytics_returns r where r.order_id = o.order_id),
      'w', (select coalesce(jsonb_agg(jsonb_build_object('sku', l.sku, 'warehouse', w.warehouse, 'units', w.units)), '[]')
            from analytics_order_lines l ${warehouseUnitsOf(reserved)} where l.order_id = o.order_id))
    from ${orders}
    on conflict (order_id) do update set rolled = excluded.rolled`.execute(trx);
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

// The orders newly placed in the hours whose share is to be added, by their marks: each once (a mark
// names an order once, in the batch that recorded it), with its facts by primary key.
const newOrdersIn = (hours: string) =>
  sql`(select distinct m.hour, p.id from analytics_dirty_marks m cross join lateral unnest(m.placed) p(id)
       where m.hour = any(array(select hour from ${hoursOf(hours)}))) n
      join analytics_orders o on o.order_id = n.id`;

// The changed orders of the hours, each once, less those placed in the same hours (added as they are).
// A set difference of (hour, id) pairs, hashed: `not exists (… c.id = any(p.placed))` compared every
// changed id with every placed id of its hour (36 ms a statement at 3,000 changes, five a round).
const changedIn = (hours: string) =>
  sql`(select m.hour, c.id from analytics_dirty_marks m cross join lateral unnest(m.changed) c(id)
       where m.hour = any(array(select hour from ${hoursOf(hours)}))
       except
       select m.hour, p.id from analytics_dirty_marks m cross join lateral unnest(m.placed) p(id)
       where m.hour = any(array(select hour from ${hoursOf(hours)}))) n`;

// The changed orders' facts twice: as they are now (sign 1) and as they were rolled up (sign -1).
const bothSidesOf = (hours: string) =>
  sql`(select n.hour, 1 as sign, o.* from ${changedIn(hours)} join analytics_orders o on o.order_id = n.id
       union all
       select n.hour, -1, was.* from ${changedIn(hours)} join analytics_rolled_orders r on r.order_id = n.id
       cross join lateral jsonb_populate_record(null::analytics_orders, r.rolled->'o') was) o`;

// Every order the marks of the hours name, placed or changed, with its facts.
const namedIn = (hours: string) =>
  sql`(select distinct x.id from analytics_dirty_marks m
       cross join lateral unnest(coalesce(m.placed, '{}') || coalesce(m.changed, '{}')) x(id)
       where m.hour = any(array(select hour from ${hoursOf(hours)}))) n
      join analytics_orders o on o.order_id = n.id`;

// Every order placed in the UTC days of the hours, by index range.
const ordersOfDays = (hours: string) =>
  sql`${utcDaysOf(hours)} cross join lateral (
        select * from analytics_orders o
        where o.placed_at >= d.day and o.placed_at < d.day + interval '1 day' offset 0) o`;

/** `on conflict (keys) do update` adding the new rows' sums to the row there (alias t). */
const addingTo = (keys: string[], sums: string[]) =>
  sql`on conflict (${sql.join(keys.map((k) => sql.ref(k)))}) do update set ${sql.join(
    sums.map((c) => sql`${sql.ref(c)} = ${sql.ref(`t.${c}`)} + excluded.${sql.ref(c)}`),
  )}`;

// The rows of a CTE `c` (the sums of new orders, or the differences of changed ones) added to each rollup
// table of a family, after `with c as (…),`.
const paymentSums = ['attempts', 'succeeded', 'failed'];
const returnSums = ['returns', 'units', 'refunded'];
const histogram = ['stage', 'dimension', 'value', 'bucket'];
const funnelFromC = sql`
  hourly as (
    insert into analytics_funnel_hourly as t (hour, stage, reason, orders)
    select hour, stage, reason, orders from c ${addingTo(['hour', 'stage', 'reason'], ['orders'])})
  insert into analytics_funnel_daily as t (day, stage, reason, orders)
  select date_trunc('day', hour, 'UTC'), stage, reason, sum(orders) from c group by 1, 2, 3
  ${addingTo(['day', 'stage', 'reason'], ['orders'])}`;
const paymentsFromC = sql`
  hourly as (
    insert into analytics_payments_hourly as t (hour, provider, attempts, succeeded, failed)
    select hour, provider, attempts, succeeded, failed from c ${addingTo(['hour', 'provider'], paymentSums)})
  insert into analytics_payments_daily as t (day, provider, attempts, succeeded, failed)
  select date_trunc('day', hour, 'UTC'), provider, sum(attempts), sum(succeeded), sum(failed) from c
  group by 1, 2 ${addingTo(['day', 'provider'], paymentSums)}`;
const returnsFromC = sql`
  hourly as (
    insert into analytics_returns_by_hour as t (dimension, hour, value, returns, units, refunded)
    select dimension, hour, value, returns, units, refunded from c
    ${addingTo(['dimension', 'hour', 'value'], returnSums)})
  insert into analytics_returns_by_day as t (dimension, day, value, returns, units, refunded)
  select dimension, date_trunc('day', hour, 'UTC'), value, sum(returns), sum(units), sum(refunded) from c
  group by 1, 2, 3 ${addingTo(['dimension', 'day', 'value'], returnSums)}`;
const leadTimesFromC = sql`
  daily as (
    insert into analytics_lead_times_daily as t (day, stage, dimension, value, bucket, orders)
    select day, stage, dimension, value, bucket, orders from c ${addingTo(['day', ...histogram], ['orders'])}),
  weekly as (
    insert into analytics_lead_times_weekly as t (week, stage, dimension, value, bucket, orders)
    select date_trunc('week', day, 'UTC'), stage, dimension, value, bucket, sum(orders) from c
    group by 1, 2, 3, 4, 5 ${addingTo(['week', ...histogram], ['orders'])})
  insert into analytics_lead_times_monthly as t (month, stage, dimension, value, bucket, orders)
  select date_trunc('month', day, 'UTC'), stage, dimension, value, bucket, sum(orders) from c
  group by 1, 2, 3, 4, 5 ${addingTo(['month', ...histogram], ['orders'])}`;

const zones = sql`(values ${sql.join(ROLLUP_ZONES.map((z) => sql`(${z}::text)`))}) z(zone)`;

/**
 * Adds the share of the orders newly placed in `hours` (no order of theirs changed since it was
 * rolled up) to each rollup row they feed: the same sums as the recompute, over the new orders only,
 * a statement per rollup family. At placement an order reaches the funnel's first stage only and has
 * no payment, return or lead time yet; the statements count whatever its facts hold all the same.
 */
async function addNewOrders(trx: Trx, hours: string): Promise<void> {
  const sums = ['orders', 'gmv', 'units'];
  await sql`
    with c as (
      select d.dimension, n.hour, d.value, o.currency, count(*) as orders, sum(o.grand_total) as gmv,
             sum(o.units) as units
      from ${newOrdersIn(hours)}
      cross join lateral (values ('all', 'all'), ('channel', o.channel), ('region', o.region),
                                 ('payment_method', o.payment_method)) d(dimension, value)
      group by 1, 2, 3, 4
      union all
      select d.dimension, n.hour, d.value, o.currency, count(distinct o.order_id), sum(l.amount), sum(l.quantity)
      from ${newOrdersIn(hours)} ${linesOf}
      cross join lateral (values ('category', l.category), ('sku', l.sku)) d(dimension, value)
      group by 1, 2, 3, 4),
    hourly as (
      insert into analytics_sales_by_hour as t (dimension, hour, value, currency, orders, gmv, units)
      select dimension, hour, value, currency, orders, gmv, units from c
      ${addingTo(['dimension', 'hour', 'value', 'currency'], sums)}),
    daily as (
      insert into analytics_sales_by_day as t (zone, dimension, day, value, currency, orders, gmv, units)
      select z.zone, c.dimension, date_trunc('day', c.hour, z.zone), c.value, c.currency,
             sum(c.orders), sum(c.gmv), sum(c.units)
      from c cross join ${zones} group by 1, 2, 3, 4, 5
      ${addingTo(['zone', 'dimension', 'day', 'value', 'currency'], sums)})
    insert into analytics_sales_by_month as t (zone, dimension, month, value, currency, orders, gmv, units)
    select z.zone, c.dimension, date_trunc('month', c.hour, z.zone), c.value, c.currency,
           sum(c.orders), sum(c.gmv), sum(c.units)
    from c cross join ${zones} group by 1, 2, 3, 4, 5
    ${addingTo(['zone', 'dimension', 'month', 'value', 'currency'], sums)}`.execute(trx);
  await sql`
    with c as (
      select n.hour, s.stage, s.reason, count(*) as orders
      from ${newOrdersIn(hours)}
      ${stagesOf}
      where s.reached
      group by 1, 2, 3),
    ${funnelFromC}`.execute(trx);
  await sql`
    with c as (
      select n.hour, p.provider, count(*) as attempts, count(*) filter (where p.succeeded) as succeeded,
             count(*) filter (where p.failed) as failed
      from ${newOrdersIn(hours)} join analytics_payments p on p.order_id = o.order_id
      group by 1, 2),
    ${paymentsFromC}`.execute(trx);
  await sql`
    with c as (
      select d.dimension, n.hour, d.value, count(distinct r.return_id) as returns, sum(l.quantity) as units,
             count(distinct r.return_id) filter (where r.refunded) as refunded
      from ${newOrdersIn(hours)} join analytics_returns r on r.order_id = o.order_id and not r.rejected
      join analytics_return_lines l on l.return_id = r.return_id
      cross join lateral (values ('all', 'all'), ('sku', l.sku), ('category', l.category), ('reason', r.reason))
        d(dimension, value)
      group by 1, 2, 3),
    ${returnsFromC}`.execute(trx);
  await sql`
    with c as (
      select date_trunc('day', n.hour, 'UTC') as day, s.stage, dm.dimension, dm.value,
             floor(ln(greatest(s.seconds, 1)) / ln(2) * ${LEAD_TIME_BUCKETS_PER_DOUBLING})::int as bucket,
             count(*) as orders
      from ${newOrdersIn(hours)}
      ${leadTimesOf}
      where s.seconds is not null and dm.value is not null and not o.historical
      group by 1, 2, 3, 4, 5),
    ${leadTimesFromC}`.execute(trx);
  const reserved = reservedFrom(trx);
  await sql`
    insert into analytics_sku_warehouse_by_day as t (day, sku, warehouse, units)
    select date_trunc('day', n.hour, 'UTC'), l.sku, w.warehouse, sum(w.units)
    from ${newOrdersIn(hours)}
    ${linesOf}
    ${warehouseUnitsOf(reserved)}
    group by 1, 2, 3
    ${addingTo(['day', 'sku', 'warehouse'], ['units'])}`.execute(trx);
}

// Each funnel stage with whether the order reached it (s); a cancellation under its reason.
const stagesOf = sql`
  cross join lateral (values
    ('placed', '', true),
    ('paid', '', o.paid_at is not null),
    ('shipped', '', o.shipped_at is not null),
    ('delivered', '', o.delivered_at is not null),
    ('completed', '', o.completed_at is not null),
    ('cancelled', coalesce(o.cancel_reason, ''), o.cancelled_at is not null)
  ) s(stage, reason, reached)`;

// The lead time of each stage an order has passed (s) under each dimension value it has (dm).
const leadTimesOf = sql`
  cross join lateral (values
    ('placed_paid', extract(epoch from o.paid_at - o.placed_at)),
    ('paid_shipped', extract(epoch from o.shipped_at - o.paid_at)),
    ('shipped_delivered', extract(epoch from o.delivered_at - o.shipped_at))
  ) s(stage, seconds)
  cross join lateral (values
    ('all', ''), ('warehouse', o.warehouse), ('carrier', o.carrier), ('region', o.region),
    ('provider', case when s.stage = 'placed_paid' then o.pay_provider end)
  ) dm(dimension, value)`;

// Each order's lines by index (l), `offset 0`: joined plainly, the planner may scan every line and,
// for each, run the round's orders again (430 ms a round of 1,000 new orders in bench:checkout, 17 ms
// this way).
const linesOf = sql`cross join lateral (select * from analytics_order_lines l where l.order_id = o.order_id offset 0) l`;

// Each order line's units per warehouse (w): as reserved, else where its order shipped from.
const warehouseUnitsOf = (reserved: ReturnType<typeof reservedFrom>) => sql`
  cross join lateral (
    select r.warehouse, r.quantity as units from ${reserved} r where r.order_id = o.order_id and r.sku = l.sku
    union all
    select o.warehouse, l.quantity
    where o.warehouse is not null
      and not exists (select 1 from ${reserved} r where r.order_id = o.order_id and r.sku = l.sku)
  ) w`;

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
    from ${ordersIn(hours)} ${linesOf}
    cross join lateral (values ('category', l.category), ('sku', l.sku)) d(dimension, value)
    group by 1, 2, 3, 4`.execute(trx);
  // Each order counts once per stage it reached; a cancellation under its reason.
  await sql`
    insert into analytics_funnel_hourly (hour, stage, reason, orders)
    select h.hour, s.stage, s.reason, count(*)
    from ${ordersIn(hours)}
    ${stagesOf}
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
 * day cut at that zone's midnight) and their months from the days, the reports without buckets per
 * UTC day.
 */
async function recomputeDays(trx: Trx, hours: string): Promise<void> {
  for (const zone of ROLLUP_ZONES) {
    const days = sql`(select distinct date_trunc('day', hour, ${zone}) as day from ${hoursOf(hours)}) d`;
    // their months: less the days' old rows, plus their new ones (not the whole month reread)
    await addDaysToMonths(trx, zone, days, '-');
    await sql`delete from analytics_sales_by_day
              where zone = ${zone} and day = any(array(select day from ${days}))`.execute(trx);
    await sql`
      insert into analytics_sales_by_day (zone, dimension, day, value, currency, orders, gmv, units)
      select ${zone}, s.dimension, d.day, s.value, s.currency, sum(s.orders), sum(s.gmv), sum(s.units)
      from ${days} join analytics_sales_by_hour s
        on s.hour >= d.day and s.hour < (d.day at time zone ${zone} + interval '1 day') at time zone ${zone}
      group by 2, 3, 4, 5`.execute(trx);
    await addDaysToMonths(trx, zone, days, '+');
    await sql`delete from analytics_sales_by_month where zone = ${zone} and orders = 0`.execute(trx);
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

/** Adds (or takes away) the zone's daily sales rows of `days` to (from) their months' rows. */
async function addDaysToMonths(trx: Trx, zone: string, days: RawBuilder<unknown>, sign: '+' | '-') {
  const s = sql.raw(sign);
  await sql`
    insert into analytics_sales_by_month as t (zone, dimension, month, value, currency, orders, gmv, units)
    select ${zone}, s.dimension, date_trunc('month', s.day, ${zone}), s.value, s.currency,
           ${s}sum(s.orders), ${s}sum(s.gmv), ${s}sum(s.units)
    from analytics_sales_by_day s
    where s.zone = ${zone} and s.day = any(array(select day from ${days}))
    group by 2, 3, 4, 5
    ${addingTo(['zone', 'dimension', 'month', 'value', 'currency'], ['orders', 'gmv', 'units'])}`.execute(
    trx,
  );
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
  // the weeks and months: less the days' old histograms, plus their new ones (not a month reread)
  await addLeadTimeDays(trx, days, 'week', '-');
  await addLeadTimeDays(trx, days, 'month', '-');
  await sql`delete from analytics_lead_times_daily where day = any(array(select day from ${days}))`.execute(
    trx,
  );
  await sql`
    insert into analytics_lead_times_daily (day, stage, dimension, value, bucket, orders)
    select d.day, s.stage, dm.dimension, dm.value,
           floor(ln(greatest(s.seconds, 1)) / ln(2) * ${LEAD_TIME_BUCKETS_PER_DOUBLING})::int, count(*)
    from ${days}
    join analytics_orders o on o.placed_at >= d.day and o.placed_at < d.day + interval '1 day'
    ${leadTimesOf}
    where s.seconds is not null and dm.value is not null and not o.historical
    group by 1, 2, 3, 4, 5`.execute(trx);
  for (const unit of ['week', 'month'] as const) {
    await addLeadTimeDays(trx, days, unit, '+');
    await sql`delete from ${sql.table(`analytics_lead_times_${unit}ly`)} where orders = 0`.execute(trx);
  }
}

/** Adds (or takes away) the daily lead-time histograms of `days` to (from) their weeks' (months') ones. */
async function addLeadTimeDays(trx: Trx, days: RawBuilder<unknown>, unit: 'week' | 'month', sign: '+' | '-') {
  await sql`
    insert into ${sql.table(`analytics_lead_times_${unit}ly`)} as t (${sql.ref(unit)}, stage, dimension, value, bucket, orders)
    select date_trunc(${unit}, l.day, 'UTC'), l.stage, l.dimension, l.value, l.bucket, ${sql.raw(sign)}sum(l.orders)
    from analytics_lead_times_daily l where l.day = any(array(select day from ${days}))
    group by 1, 2, 3, 4, 5
    ${addingTo([unit, 'stage', 'dimension', 'value', 'bucket'], ['orders'])}`.execute(trx);
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
    ${linesOf}
    ${warehouseUnitsOf(reserved)}
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
