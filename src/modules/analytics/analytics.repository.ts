import { type RawBuilder, sql } from 'kysely';
import type { Conn, Db, Trx } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { type Granularity, ROLLUP_ZONES } from './analytics-range.js';

// Reads of the rollups only (never the facts, never orders). Sums come back as text from pg (bigint)
// and are turned into numbers here: the totals stay far below 2^53.
//
// A range [from, to) of whole UTC hours is read as its whole days [a, b) from a daily table and its
// edges [from, a) and [b, to) from the hourly one, so a year is ~365 rows per value, not ~8,760.

/**
 * Runs a report's reads in one transaction without JIT: a year of rollups is estimated costly enough
 * for PostgreSQL to compile the query (~300 ms) where running it takes ~20 ms.
 */
export function readRollups<T>(db: Db, read: (trx: Trx) => Promise<T>): Promise<T> {
  return inTransaction(db, async (trx) => {
    // work_mem: a year of daily rows by SKU (~40,000) sorted on disk past the default 4 MB
    await sql`set local jit = off`.execute(trx);
    await sql`set local work_mem = '32MB'`.execute(trx);
    return read(trx);
  });
}

export const SALES_DIMENSIONS = ['channel', 'region', 'payment_method', 'category', 'sku'] as const;
export type SalesDimension = (typeof SALES_DIMENSIONS)[number];

interface Span {
  from: Date;
  to: Date;
}
/** The whole days inside a range, and its edges: a = b = to when it holds no whole day. */
interface Split extends Span {
  a: Date;
  b: Date;
}

const DAY_MS = 86_400_000;

/** The whole UTC days of [from, to). */
export function utcSplit(r: Span): Split {
  const a = Math.ceil(r.from.getTime() / DAY_MS) * DAY_MS;
  const b = Math.floor(r.to.getTime() / DAY_MS) * DAY_MS;
  return a < b ? { ...r, a: new Date(a), b: new Date(b) } : { ...r, a: r.to, b: r.to };
}

/** The whole days of [from, to) cut at the zone's midnights (asked of the database, which knows DST). */
async function zoneSplit(db: Conn, r: Span, zone: string): Promise<Split> {
  if (zone === 'UTC') return utcSplit(r);
  const { rows } = await sql<{ a: Date; b: Date }>`
    select case when date_trunc('day', ${r.from}::timestamptz, ${zone}) = ${r.from}::timestamptz
                then ${r.from}::timestamptz
                else (date_trunc('day', ${r.from}::timestamptz, ${zone}) at time zone ${zone} + interval '1 day')
                     at time zone ${zone} end as a,
           date_trunc('day', ${r.to}::timestamptz, ${zone}) as b`.execute(db);
  const a = new Date(rows[0]!.a);
  const b = new Date(rows[0]!.b);
  return a < b ? { ...r, a, b } : { ...r, a: r.to, b: r.to };
}

/** The rows of a range: its whole days from `daily` (time column `day`), its edges from `hourly` (`hour`). */
function byDaysAndHours(
  s: Split,
  daily: RawBuilder<unknown>,
  hourly: RawBuilder<unknown>,
  columns: RawBuilder<unknown>,
  where: RawBuilder<unknown>,
  dailyWhere: RawBuilder<unknown> = sql`true`,
) {
  return sql`(
    select day as t, ${columns} from ${daily} where ${where} and ${dailyWhere} and day >= ${s.a} and day < ${s.b}
    union all
    select hour, ${columns} from ${hourly} where ${where} and hour >= ${s.from} and hour < ${s.a}
    union all
    select hour, ${columns} from ${hourly} where ${where} and hour >= ${s.b} and hour < ${s.to}) r`;
}

export interface SalesRow {
  /** The bucket's start as an ISO 8601 UTC string (formatted by the database: no Date per row). */
  start: string | null;
  currency: string;
  /** null: the series past the limit, summed per currency. */
  key: string | null;
  orders: number;
  gmv: number;
  units: number;
}

/**
 * Orders, GMV and units per currency (never summed across currencies) and per dimension value, per
 * bucket of the granularity in the zone `tz` (or one total when granularity is undefined). Hour
 * buckets, and zones without daily rows, read hours only. By category or SKU an order counts in each
 * of its categories (SKUs). With `limit`, only the `limit` (currency, value) series with the most
 * orders in the range (then units, then by code point) keep their key; the others are summed per
 * currency under key null. Sorted by code point (collation "C", the order of a C.UTF-8 database).
 */
export async function sumSales(
  db: Conn,
  q: Span & { tz: string; granularity?: Granularity; by?: SalesDimension; limit?: number },
): Promise<SalesRow[]> {
  // a total (no buckets) reads UTC days in any zone; buckets of days or more need the zone's own days
  const zone =
    q.granularity === undefined ? 'UTC' : (ROLLUP_ZONES as readonly string[]).includes(q.tz) ? q.tz : null;
  const usable =
    q.granularity === 'hour' || zone === null ? { ...q, a: q.to, b: q.to } : await zoneSplit(db, q, zone);
  const dimension = sql`dimension = ${q.by ?? 'all'}`;
  const columns = sql`value, currency, orders, gmv, units`;
  // The coarsest rows that cover the range exactly: its whole months (in the zone) when no bucket
  // is finer than a month, else its days; hours at its edges.
  const coarsest = byMonthsDaysAndHours(usable, zone ?? 'UTC', columns, dimension);
  const rowsOf =
    q.granularity === undefined || q.granularity === 'month'
      ? coarsest
      : byDaysAndHours(
          usable,
          sql`analytics_sales_by_day`,
          sql`analytics_sales_by_hour`,
          columns,
          dimension,
          sql`zone = ${zone ?? 'UTC'}`,
        );
  // The bucket per row: date_trunc in a zone is ~0.3 µs a call, cheaper than the distinct times
  // joined back (a materialized CTE, a hash and a join over every row took ~40% of a year by SKU).
  const bucket = q.granularity ? sql`date_trunc(${q.granularity}, t, ${q.tz})` : sql`null::timestamptz`;
  const start = sql`to_char(r.bucket at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  const sums = sql`sum(r.orders)::int8 as orders, sum(r.gmv)::int8 as gmv, sum(r.units)::int8 as units`;
  // The series kept apart are ranked on the coarsest rows (a year by SKU: ~12 a SKU, not ~365);
  // the buckets' rows are then summed once, each under its value when kept, else under null.
  const query =
    q.limit === undefined
      ? sql`
    select ${start} as start, r.currency collate "C" as currency, r.value collate "C" as key, ${sums}
    from (select ${bucket} as bucket, value, currency, orders, gmv, units from ${rowsOf}) r
    group by r.bucket, 2, 3
    order by r.bucket, 2, 3`
      : sql`
    with top as (
      select currency, value from ${coarsest} group by 1, 2
      order by sum(orders) desc, sum(units) desc, currency collate "C", value collate "C" limit ${q.limit})
    select ${start} as start, r.currency collate "C" as currency, r.key collate "C" as key, ${sums}
    from (select ${bucket} as bucket, r.currency, top.value as key, r.orders, r.gmv, r.units
          from ${rowsOf} left join top on top.currency = r.currency and top.value = r.value) r
    group by r.bucket, 2, 3
    order by r.bucket, 2, 3`;
  const { rows } = await sql<{
    start: string | null;
    currency: string;
    key: string | null;
    orders: string;
    gmv: string;
    units: string;
  }>`${query}`.execute(db);
  return rows.map((r) => ({
    start: r.start,
    currency: r.currency,
    key: r.key,
    orders: Number(r.orders),
    gmv: Number(r.gmv),
    units: Number(r.units),
  }));
}

/**
 * The sales rows of a range split into whole days [a, b) of `zone` and hour edges: the whole months
 * of the zone inside [a, b) from the monthly rollup, the days either side of them from the daily one
 * (all of [a, b) when it holds no whole month), the edges from the hourly one (time column `t`).
 */
function byMonthsDaysAndHours(
  s: Split,
  zone: string,
  columns: RawBuilder<unknown>,
  where: RawBuilder<unknown>,
) {
  const a = sql`${s.a}::timestamptz`;
  const b = sql`${s.b}::timestamptz`;
  // the first month start at or after a, the last at or before b (ma > mb: no whole month)
  const ma = sql`(case when date_trunc('month', ${a}, ${zone}) = ${a} then ${a}
                 else (date_trunc('month', ${a}, ${zone}) at time zone ${zone} + interval '1 month') at time zone ${zone} end)`;
  const mb = sql`date_trunc('month', ${b}, ${zone})`;
  const inZone = sql`zone = ${zone} and ${where}`;
  return sql`(
    select month as t, ${columns} from analytics_sales_by_month where ${inZone} and month >= ${ma} and month < ${mb}
    union all
    select day, ${columns} from analytics_sales_by_day where ${inZone} and day >= ${a} and day < least(${ma}, ${b})
    union all
    select day, ${columns} from analytics_sales_by_day where ${inZone} and day >= greatest(${mb}, ${ma}) and day < ${b}
    union all
    select hour, ${columns} from analytics_sales_by_hour where ${where} and hour >= ${s.from} and hour < ${s.a}
    union all
    select hour, ${columns} from analytics_sales_by_hour where ${where} and hour >= ${s.b} and hour < ${s.to}) r`;
}

/** Units sold per value of a dimension (all currencies) of the orders placed in [from, to). */
export async function sumUnitsSold(db: Conn, q: Span & { by: 'all' | 'sku' | 'category' }) {
  const { rows } = await sql<{ key: string; units: string }>`
    select value as key, sum(units) as units
    from ${byDaysAndHours(
      utcSplit(q),
      sql`analytics_sales_by_day`,
      sql`analytics_sales_by_hour`,
      sql`value, units`,
      sql`dimension = ${q.by}`,
      sql`zone = 'UTC'`,
    )}
    group by 1`.execute(db);
  return new Map(rows.map((r) => [r.key, Number(r.units)]));
}

/** Units sold per SKU and warehouse (reserved, else shipped, from) of the orders placed on the UTC days in [from, to). */
export async function sumUnitsSoldByWarehouse(db: Conn, q: Span) {
  const { rows } = await sql<{ sku: string; warehouse: string; units: string }>`
    select sku, warehouse, sum(units) as units from analytics_sku_warehouse_by_day
    where day >= ${q.from} and day < ${q.to}
    group by 1, 2`.execute(db);
  return rows.map((r) => ({ sku: r.sku, warehouse: r.warehouse, units: Number(r.units) }));
}

/** Orders per funnel stage (and cancellations per reason) of the orders placed in [from, to). */
export async function sumFunnel(
  db: Conn,
  q: Span,
): Promise<{ stage: string; reason: string; orders: number }[]> {
  const { rows } = await sql<{ stage: string; reason: string; orders: string }>`
    select stage, reason, sum(orders) as orders
    from ${byDaysAndHours(
      utcSplit(q),
      sql`analytics_funnel_daily`,
      sql`analytics_funnel_hourly`,
      sql`stage, reason, orders`,
      sql`true`,
    )}
    group by 1, 2 order by 1, 2`.execute(db);
  return rows.map((r) => ({ stage: r.stage, reason: r.reason, orders: Number(r.orders) }));
}

export const ACTIVITY_KINDS = ['cart_created', 'checkout_done', 'checkout_refused', 'stockout'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

/** Carts, checkouts and stockouts that happened in [from, to), per kind and key (reason, SKU). */
export async function sumActivity(
  db: Conn,
  q: Span & { kinds: readonly ActivityKind[]; perDay?: boolean },
): Promise<{ day: Date | null; kind: ActivityKind; key: string; events: number; units: number }[]> {
  const day = q.perDay ? sql`date_trunc('day', t, 'UTC')` : sql`null::timestamptz`;
  const { rows } = await sql<{
    day: Date | null;
    kind: ActivityKind;
    key: string;
    events: string;
    units: string;
  }>`
    select ${day} as day, kind, key, sum(events) as events, sum(units) as units
    from ${byDaysAndHours(
      utcSplit(q),
      sql`analytics_activity_by_day`,
      sql`analytics_activity_by_hour`,
      sql`kind, key, events, units`,
      sql`kind = any(${[...q.kinds]}::text[])`,
    )}
    group by 1, 2, 3 order by 1, 2, 3`.execute(db);
  return rows.map((r) => ({
    ...r,
    day: r.day === null ? null : new Date(r.day),
    events: Number(r.events),
    units: Number(r.units),
  }));
}

/** Payment attempts per provider, of the orders placed in [from, to). */
export async function sumPayments(
  db: Conn,
  q: Span,
): Promise<{ provider: string; attempts: number; succeeded: number; failed: number }[]> {
  const { rows } = await sql<{ provider: string; attempts: string; succeeded: string; failed: string }>`
    select provider, sum(attempts) as attempts, sum(succeeded) as succeeded, sum(failed) as failed
    from ${byDaysAndHours(
      utcSplit(q),
      sql`analytics_payments_daily`,
      sql`analytics_payments_hourly`,
      sql`provider, attempts, succeeded, failed`,
      sql`true`,
    )}
    group by 1 order by 1`.execute(db);
  return rows.map((r) => ({
    provider: r.provider,
    attempts: Number(r.attempts),
    succeeded: Number(r.succeeded),
    failed: Number(r.failed),
  }));
}

export const RETURN_DIMENSIONS = ['all', 'sku', 'category', 'reason'] as const;
export type ReturnDimension = (typeof RETURN_DIMENSIONS)[number];

/** Returns (not rejected) of the orders placed in [from, to), per value of a dimension. */
export async function sumReturns(
  db: Conn,
  q: Span & { by: ReturnDimension },
): Promise<{ key: string; returns: number; units: number; refunded: number }[]> {
  const { rows } = await sql<{ key: string; returns: string; units: string; refunded: string }>`
    select value as key, sum(returns) as returns, sum(units) as units, sum(refunded) as refunded
    from ${byDaysAndHours(
      utcSplit(q),
      sql`analytics_returns_by_day`,
      sql`analytics_returns_by_hour`,
      sql`value, returns, units, refunded`,
      sql`dimension = ${q.by}`,
    )}
    group by 1 order by 1`.execute(db);
  return rows.map((r) => ({
    key: r.key,
    returns: Number(r.returns),
    units: Number(r.units),
    refunded: Number(r.refunded),
  }));
}

export const LEAD_TIME_DIMENSIONS = ['all', 'warehouse', 'carrier', 'region', 'provider'] as const;
export type LeadTimeDimension = (typeof LEAD_TIME_DIMENSIONS)[number];

/** The whole UTC months of a range of whole UTC days, and its edges. */
function monthSplit(r: Span): Split {
  const f = r.from;
  const a = new Date(Date.UTC(f.getUTCFullYear(), f.getUTCMonth() + (f.getUTCDate() === 1 ? 0 : 1), 1));
  const b = new Date(Date.UTC(r.to.getUTCFullYear(), r.to.getUTCMonth(), 1));
  return a < b ? { ...r, a, b } : { ...r, a: r.to, b: r.to };
}

/** 1970-01-05, a Monday: ISO weeks start at it plus a multiple of 7 days. */
const MONDAY_MS = 4 * DAY_MS;
const WEEK_MS = 7 * DAY_MS;

/** The whole ISO weeks (Monday 00:00 UTC) of a range of whole UTC days, and its edges. */
export function weekSplit(r: Span): Split {
  const a = Math.ceil((r.from.getTime() - MONDAY_MS) / WEEK_MS) * WEEK_MS + MONDAY_MS;
  const b = Math.floor((r.to.getTime() - MONDAY_MS) / WEEK_MS) * WEEK_MS + MONDAY_MS;
  return a < b ? { ...r, a: new Date(a), b: new Date(b) } : { ...r, a: r.to, b: r.to };
}

/**
 * Lead-time histograms (stage, value, bucket → orders) of the orders placed on the UTC days in
 * [from, to): whole months from the monthly histograms, the whole weeks of either end from the
 * weekly ones, the days left (at most six a side) from the daily ones.
 */
export async function sumLeadTimes(
  db: Conn,
  q: Span & { dimension: LeadTimeDimension },
): Promise<{ stage: string; value: string; bucket: number; orders: number }[]> {
  const s = monthSplit(q);
  const ends = [weekSplit({ from: s.from, to: s.a }), weekSplit({ from: s.b, to: s.to })];
  const between = (column: string, from: Date, to: Date) =>
    sql`(${sql.ref(column)} >= ${from} and ${sql.ref(column)} < ${to})`;
  const weeks = sql.join(
    ends.map((e) => between('week', e.a, e.b)),
    sql` or `,
  );
  const days = sql.join(
    ends.flatMap((e) => [between('day', e.from, e.a), between('day', e.b, e.to)]),
    sql` or `,
  );
  const { rows } = await sql<{ stage: string; value: string; bucket: number; orders: string }>`
    select stage, value, bucket, sum(orders) as orders from (
      select stage, value, bucket, orders from analytics_lead_times_monthly
      where dimension = ${q.dimension} and month >= ${s.a} and month < ${s.b}
      union all
      select stage, value, bucket, orders from analytics_lead_times_weekly
      where dimension = ${q.dimension} and (${weeks})
      union all
      select stage, value, bucket, orders from analytics_lead_times_daily
      where dimension = ${q.dimension} and (${days})
    ) r
    group by 1, 2, 3`.execute(db);
  return rows.map((r) => ({ stage: r.stage, value: r.value, bucket: r.bucket, orders: Number(r.orders) }));
}
