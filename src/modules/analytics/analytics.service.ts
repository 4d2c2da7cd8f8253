import type { Static } from 'typebox';
import type { Conn } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors.js';
import type { WarehouseStock } from '../inventory/index.js';
import {
  type LeadTimeDimension,
  type SalesRow,
  sumActivity,
  sumFunnel,
  sumLeadTimes,
  sumPayments,
  sumReturns,
  sumSales,
  sumUnitsSold,
  sumUnitsSoldByWarehouse,
} from './analytics.repository.js';
import type {
  Figures,
  FunnelReport,
  LeadTimeQuery,
  LeadTimeReport,
  PaymentReport,
  ReportQuery,
  ReturnQuery,
  ReturnReport,
  SalesQuery,
  SalesReport,
  StockoutReport,
  StockQuery,
  StockReport,
} from './analytics.schemas.js';
import { MAX_RANGE_DAYS, MAX_REPORT_DAYS, parseRange } from './analytics-range.js';
import { LEAD_TIME_RELATIVE_ERROR, percentileOf } from './lead-time-histogram.js';

const ZERO = { orders: 0, gmv: 0, units: 0 };
const figureOf = (r: Pick<SalesRow, 'orders' | 'gmv' | 'units'>): Figures => ({
  orders: r.orders,
  gmv: r.gmv,
  units: r.units,
  aov: r.orders ? Math.round(r.gmv / r.orders) : null,
});
const ratio = (now: number | null, before: number | null) =>
  now === null || before === null || before === 0 ? null : (now - before) / before;

/** The series by a dimension kept apart when the query gives no limit. */
export const DEFAULT_SALES_LIMIT = 20;
/** The key of the series that sums, per currency, the series past the limit. */
export const OTHER_KEY = 'other';

/**
 * Sales per bucket, per currency and dimension value, with the totals of this and the previous period.
 * By a dimension, at most `limit` (currency, value) series (the most orders in the range) are kept
 * apart; the rest are summed in one series per currency, key "other", so an answer stays bounded
 * however many SKUs are sold: at most (limit + currencies) series.
 */
export async function salesReport(db: Conn, q: SalesQuery): Promise<SalesReport> {
  const granularity = q.granularity ?? 'day';
  const range = parseRange(q, MAX_RANGE_DAYS[granularity]);
  const base = { tz: range.tz, by: q.by };
  const limit = q.by === undefined ? null : (q.limit ?? DEFAULT_SALES_LIMIT);
  const [buckets, before] = await Promise.all([
    sumSales(db, { ...base, ...range, granularity, limit: limit ?? undefined }),
    sumSales(db, { ...base, ...range.previous }),
  ]);
  const previous = limit === null ? before : keptApart(buckets, before, limit);
  // one pass, no array or object per row beyond the bucket itself: a year by SKU is ~40,000 of them
  const series = new Map<string, SalesReport['series'][number]>();
  const seriesOf = (r: SalesRow) => {
    const id = `${r.currency}\u0000${r.key}`;
    let s = series.get(id);
    if (!s) {
      s = {
        currency: r.currency,
        key: r.key ?? OTHER_KEY,
        other: r.key === null,
        buckets: [],
        total: figureOf(ZERO),
        previousTotal: figureOf(ZERO),
        change: { orders: null, gmv: null, units: null, aov: null },
      };
      series.set(id, s);
    }
    return s;
  };
  for (const r of buckets) {
    const s = seriesOf(r);
    s.buckets.push({ start: r.start!, ...figureOf(r) });
    // the buckets cover the range exactly: their sum is the total, without a second scan
    s.total.orders += r.orders;
    s.total.gmv += r.gmv;
    s.total.units += r.units;
  }
  for (const r of previous) seriesOf(r).previousTotal = figureOf(r);
  for (const s of series.values()) {
    s.total.aov = s.total.orders ? Math.round(s.total.gmv / s.total.orders) : null;
    s.change = {
      orders: ratio(s.total.orders, s.previousTotal.orders),
      gmv: ratio(s.total.gmv, s.previousTotal.gmv),
      units: ratio(s.total.units, s.previousTotal.units),
      aov: ratio(s.total.aov, s.previousTotal.aov),
    };
  }
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    tz: range.tz,
    granularity,
    by: q.by ?? null,
    limit,
    previous: { from: range.previous.from.toISOString(), to: range.previous.to.toISOString() },
    series: [...series.values()],
  };
}

/**
 * The previous period's totals with the series the range kept apart; a series sold in the previous
 * period only is kept too while the range has no "other" and the limit allows, else summed in "other".
 */
function keptApart(buckets: SalesRow[], previous: SalesRow[], limit: number): SalesRow[] {
  const id = (r: SalesRow) => `${r.currency}\u0000${r.key}`;
  const kept = new Set(buckets.filter((r) => r.key !== null).map(id));
  const hasOther = buckets.some((r) => r.key === null);
  const out: SalesRow[] = [];
  const others = new Map<string, SalesRow>();
  for (const r of previous) {
    if (!hasOther && kept.size < limit) kept.add(id(r));
    if (kept.has(id(r))) {
      out.push(r);
      continue;
    }
    const o = others.get(r.currency) ?? { ...r, key: null, orders: 0, gmv: 0, units: 0 };
    o.orders += r.orders;
    o.gmv += r.gmv;
    o.units += r.units;
    others.set(r.currency, o);
  }
  return [...out, ...others.values()];
}

export const FUNNEL_STAGES = [
  'carts_created',
  'checkouts_started',
  'placed',
  'paid',
  'shipped',
  'delivered',
  'completed',
] as const;
/** The reason the unpaid-order timeout cancels with (orders' cancelOverdueOrders). */
const UNPAID_TIMEOUT = 'payment_timeout';

/**
 * How far the orders placed in the range got, and where the others were lost; before them, the carts
 * created and the checkouts started (carts checked out, and carts whose checkout was refused) in the
 * range, counted when they happened.
 */
export async function funnelReport(db: Conn, q: ReportQuery): Promise<Static<typeof FunnelReport>> {
  const range = parseRange(q, MAX_REPORT_DAYS);
  const [rows, activity] = await Promise.all([
    sumFunnel(db, range),
    sumActivity(db, { ...range, kinds: ['cart_created', 'checkout_done', 'checkout_refused'] }),
  ]);
  const activityOf = (kind: string) =>
    activity.filter((a) => a.kind === kind).reduce((n, a) => n + a.events, 0);
  const checkedOut = activityOf('checkout_done');
  const counts: Record<(typeof FUNNEL_STAGES)[number], number> = {
    carts_created: activityOf('cart_created'),
    checkouts_started: checkedOut + activityOf('checkout_refused'),
    placed: 0,
    paid: 0,
    shipped: 0,
    delivered: 0,
    completed: 0,
  };
  for (const r of rows)
    if (r.stage in counts && r.stage !== 'cancelled') counts[r.stage as 'placed'] += r.orders;
  const cancellations = rows
    .filter((r) => r.stage === 'cancelled')
    .map((r) => ({ reason: r.reason, orders: r.orders }))
    .sort((a, b) => b.orders - a.orders);
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    stages: FUNNEL_STAGES.map((stage, i) => {
      const before = i === 0 ? null : counts[FUNNEL_STAGES[i - 1]!];
      return { stage, orders: counts[stage], ofPrevious: before ? counts[stage] / before : null };
    }),
    checkouts: {
      checkedOut,
      refused: activity
        .filter((a) => a.kind === 'checkout_refused')
        .map((a) => ({ reason: a.key, carts: a.events }))
        .sort((a, b) => b.carts - a.carts),
    },
    lost: {
      unpaidTimeouts: cancellations.find((c) => c.reason === UNPAID_TIMEOUT)?.orders ?? 0,
      cancellations,
    },
  };
}

/** Return rates of the orders placed in the range: units returned ÷ units sold, per SKU, category or reason. */
export async function returnReport(db: Conn, q: ReturnQuery): Promise<Static<typeof ReturnReport>> {
  const range = parseRange(q, MAX_REPORT_DAYS);
  const by = q.by ?? 'all';
  const [returns, sold] = await Promise.all([
    sumReturns(db, { ...range, by }),
    sumUnitsSold(db, { ...range, by: by === 'sku' || by === 'category' ? by : 'all' }),
  ]);
  // by reason, each reason's units against every unit sold
  const soldOf = (key: string) =>
    by === 'sku' || by === 'category' ? (sold.get(key) ?? 0) : (sold.get('all') ?? 0);
  const keys = new Set([...returns.map((r) => r.key), ...(by === 'reason' ? [] : sold.keys())]);
  const rows = [...keys].map((key) => {
    const r = returns.find((x) => x.key === key) ?? { returns: 0, units: 0, refunded: 0 };
    const unitsSold = soldOf(key);
    return {
      key,
      unitsSold,
      returns: r.returns,
      unitsReturned: r.units,
      refunded: r.refunded,
      returnRate: unitsSold ? r.units / unitsSold : null,
    };
  });
  rows.sort((a, b) => (b.returnRate ?? -1) - (a.returnRate ?? -1) || a.key.localeCompare(b.key));
  return { from: range.from.toISOString(), to: range.to.toISOString(), by, rows };
}

const DAY_MS = 86_400_000;

/** Where the stock report reads stock now (inventory's, passed in by the route). */
export interface StockNow {
  sellable: (db: Conn, skus: string[]) => Promise<Map<string, number>>;
  perWarehouse: (db: Conn, skus: string[]) => Promise<WarehouseStock[]>;
}

const byCover = <T extends { daysOfCover: number | null }>(a: T, b: T) =>
  (a.daysOfCover ?? Number.POSITIVE_INFINITY) - (b.daysOfCover ?? Number.POSITIVE_INFINITY);

/**
 * Per SKU sold (or refused for stock) in the window of `days` whole UTC days ending with the day of
 * `to` (default: today): units sold per day, sellable stock now, days of cover = sellable ÷ velocity,
 * whether that is shorter than `restockDays`, and the placements refused for its stock; the same per
 * warehouse, from the units reserved (else shipped) there and its stock level.
 */
export async function stockReport(
  db: Conn,
  q: StockQuery,
  stock: StockNow,
): Promise<Static<typeof StockReport>> {
  const end = Math.floor((q.to ? Date.parse(q.to) : Date.now()) / DAY_MS) * DAY_MS + DAY_MS;
  if (!Number.isFinite(end))
    throw new AppError('validation_failed', 'The range is not valid', {
      errors: [{ field: '/to', message: 'not a date-time' }],
    });
  const days = q.days ?? 28;
  const window = { from: new Date(end - days * DAY_MS), to: new Date(end) };
  const [sold, soldByWarehouse, stockouts] = await Promise.all([
    sumUnitsSold(db, { ...window, by: 'sku' }),
    sumUnitsSoldByWarehouse(db, window),
    sumActivity(db, { ...window, kinds: ['stockout'] }),
  ]);
  const skus = [...new Set([...sold.keys(), ...stockouts.map((s) => s.key)])];
  const [onHand, levels] = await Promise.all([stock.sellable(db, skus), stock.perWarehouse(db, skus)]);
  const restockDays = q.restockDays ?? 14;
  const cover = (unitsSold: number, sellable: number) => {
    const velocity = unitsSold / days;
    const daysOfCover = velocity > 0 ? sellable / velocity : null;
    return {
      unitsSold,
      unitsPerDay: velocity,
      sellable,
      daysOfCover,
      runsOutBeforeRestock: daysOfCover !== null && daysOfCover < restockDays,
    };
  };
  const warehousesOf = (sku: string) => {
    const here = new Map<string, { unitsSold: number; onHand: number; sellable: number }>();
    for (const l of levels)
      if (l.sku === sku && l.active)
        here.set(l.warehouse, { unitsSold: 0, onHand: l.onHand, sellable: l.sellable });
    for (const s of soldByWarehouse) {
      if (s.sku !== sku) continue;
      const level = levels.find((l) => l.sku === sku && l.warehouse === s.warehouse);
      here.set(s.warehouse, {
        unitsSold: s.units,
        onHand: level?.onHand ?? 0,
        sellable: level?.sellable ?? 0,
      });
    }
    return [...here]
      .map(([warehouse, w]) => ({ warehouse, onHand: w.onHand, ...cover(w.unitsSold, w.sellable) }))
      .sort((a, b) => byCover(a, b) || a.warehouse.localeCompare(b.warehouse));
  };
  const rows = skus.map((sku) => {
    const refused = stockouts.find((s) => s.key === sku);
    return {
      sku,
      ...cover(sold.get(sku) ?? 0, onHand.get(sku) ?? 0),
      stockouts: { refusedPlacements: refused?.events ?? 0, unitsShort: refused?.units ?? 0 },
    };
  });
  rows.sort(
    (a, b) =>
      byCover(a, b) ||
      b.stockouts.refusedPlacements - a.stockouts.refusedPlacements ||
      a.sku.localeCompare(b.sku),
  );
  return {
    from: window.from.toISOString(),
    to: window.to.toISOString(),
    days,
    restockDays,
    skus: rows.slice(0, q.limit ?? 100).map((r) => ({ ...r, warehouses: warehousesOf(r.sku) })),
  };
}

/** Placements refused for stock (409 insufficient_stock) per UTC day and SKU, with the units short. */
export async function stockoutReport(db: Conn, q: ReportQuery): Promise<Static<typeof StockoutReport>> {
  const range = parseRange(q, MAX_REPORT_DAYS);
  const rows = await sumActivity(db, { ...range, kinds: ['stockout'], perDay: true });
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    days: rows.map((r) => ({
      day: r.day!.toISOString(),
      sku: r.key,
      refusedPlacements: r.events,
      unitsShort: r.units,
    })),
  };
}

/** A value is a bottleneck when its p90 is at least this many times the p90 of all the other values. */
const BOTTLENECK_FACTOR = 1.5;

/** The histogram of everything but one value: histograms subtract as they add. */
const without = (all: Map<number, number>, part: Map<number, number>) =>
  new Map([...all].map(([bucket, n]) => [bucket, n - (part.get(bucket) ?? 0)]));

type Histograms = Map<string, Map<string, Map<number, number>>>;

async function histograms(db: Conn, range: { from: Date; to: Date }, dimension: LeadTimeDimension) {
  const byStage: Histograms = new Map();
  for (const r of await sumLeadTimes(db, { ...range, dimension })) {
    const values = byStage.get(r.stage) ?? new Map<string, Map<number, number>>();
    const histogram = values.get(r.value) ?? new Map<number, number>();
    histogram.set(r.bucket, (histogram.get(r.bucket) ?? 0) + r.orders);
    values.set(r.value, histogram);
    byStage.set(r.stage, values);
  }
  return byStage;
}

const percentiles = (h: Map<number, number> | undefined) => {
  if (!h) return null;
  const orders = [...h.values()].reduce((a, b) => a + b, 0);
  if (orders === 0) return null;
  return { orders, p50Seconds: percentileOf(h, 0.5)!, p90Seconds: percentileOf(h, 0.9)! };
};

export const LEAD_TIME_STAGES = ['placed_paid', 'paid_shipped', 'shipped_delivered'] as const;

/** p50/p90 per stage, overall and per value of a dimension, and the values far slower than the rest. */
export async function leadTimeReport(db: Conn, q: LeadTimeQuery): Promise<Static<typeof LeadTimeReport>> {
  const range = parseRange(q, MAX_REPORT_DAYS, 'day');
  const by = q.by ?? 'all';
  const [overall, split] = await Promise.all([histograms(db, range, 'all'), histograms(db, range, by)]);
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    by,
    method: 'log-scaled histograms per UTC day of placement (8 buckets per doubling), nearest rank',
    relativeError: LEAD_TIME_RELATIVE_ERROR,
    stages: LEAD_TIME_STAGES.map((stage) => {
      const allHistogram = overall.get(stage)?.get('') ?? new Map<number, number>();
      const histograms = [...(split.get(stage) ?? new Map<string, Map<number, number>>()).entries()];
      const values = histograms
        .map(([value, h]) => ({ value, ...percentiles(h)! }))
        .sort((a, b) => b.p90Seconds - a.p90Seconds);
      const bottlenecks =
        by === 'all'
          ? []
          : histograms
              .filter(([, h]) => {
                const rest = percentiles(without(allHistogram, h));
                return rest !== null && percentileOf(h, 0.9)! >= BOTTLENECK_FACTOR * rest.p90Seconds;
              })
              .map(([value]) => value);
      return { stage, overall: percentiles(allHistogram), values, bottlenecks };
    }),
  };
}

/** Success rate and time to pay (placement to paid) per payment provider. */
export async function paymentReport(db: Conn, q: ReportQuery): Promise<Static<typeof PaymentReport>> {
  const range = parseRange(q, MAX_REPORT_DAYS);
  const days = parseRange(q, MAX_REPORT_DAYS, 'day');
  const [rows, times] = await Promise.all([sumPayments(db, range), histograms(db, days, 'provider')]);
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    providers: rows.map((r) => ({
      ...r,
      successRate: r.attempts ? r.succeeded / r.attempts : null,
      timeToPay: percentiles(times.get('placed_paid')?.get(r.provider)),
    })),
  };
}
