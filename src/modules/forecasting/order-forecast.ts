import { mstl } from './augurs.js';
import { BUCKET_MS, dayOf, type Granularity, sameDateLastYear, WEEK, weekPosition } from './calendar.js';

/** Order counts per bucket, contiguous, the last one just before the forecast starts. */
export interface OrderHistory {
  granularity: Granularity;
  /** The first bucket's start. */
  start: Date;
  counts: number[];
}

export interface ForecastPoint {
  start: string;
  expected: number;
  lower80: number;
  upper80: number;
  lower95: number;
  upper95: number;
  /** The history says the shop does not trade then (a closed weekday or hour, or a date closed last year). */
  closed: boolean;
}

/** Weeks of history that decide which weekdays (or hours of the week) the shop trades. */
const RECENT_WEEKS = 8;

export class HistoryTooShort extends Error {}

/**
 * Expected order counts for the `horizon` buckets after the history, with 80% and 95% intervals.
 *
 * The closed parts of the week (no orders in any of the last 8 weeks at that weekday or hour) are taken
 * out of the series, so the model sees a week of the open buckets only and forecasts zero for the
 * rest. Days with no orders on a trading weekday (bank holidays, Christmas) are holes, filled from the
 * week before, and the same dates a year on are forecast closed. What remains goes to augurs' MSTL:
 * STL removes the weekly (open hours × weekdays, for hourly counts also the daily) pattern, AutoETS
 * models level and trend and gives the intervals.
 */
export function forecastOrders(history: OrderHistory, horizon: number): ForecastPoint[] {
  const { granularity, counts } = history;
  const bucket = BUCKET_MS[granularity];
  const at = (i: number) => new Date(history.start.getTime() + i * bucket);
  const week = WEEK[granularity];

  const dayTotals = new Map<string, number>();
  counts.forEach((c, i) => {
    const day = dayOf(at(i));
    dayTotals.set(day, (dayTotals.get(day) ?? 0) + c);
  });
  const recentFrom = Math.max(0, counts.length - RECENT_WEEKS * week);
  const openPositions = new Set<number>();
  const tradingWeekdays = new Set<number>();
  for (let i = recentFrom; i < counts.length; i++) {
    if (counts[i]! > 0) {
      openPositions.add(weekPosition(at(i), granularity));
      tradingWeekdays.add(at(i).getUTCDay());
    }
  }
  const closedDays = new Set(
    [...dayTotals]
      .filter(([day, n]) => n === 0 && tradingWeekdays.has(new Date(day).getUTCDay()))
      .map(([d]) => d),
  );

  const series: number[] = [];
  counts.forEach((c, i) => {
    if (!openPositions.has(weekPosition(at(i), granularity))) return;
    series.push(closedDays.has(dayOf(at(i))) ? Number.NaN : c);
  });
  const period = openPositions.size;
  const training = fillHoles(series, period);
  if (period < 2 || training.length < 2 * period) {
    throw new HistoryTooShort(
      `forecasting needs two weeks of trading history; this has ${training.length} open ${granularity}s`,
    );
  }

  const future = Array.from({ length: horizon }, (_, j) => at(counts.length + j));
  const openAhead = future.filter((t) => openPositions.has(weekPosition(t, granularity))).length;
  const model = mstl([period]);
  model.fit(training);
  const p80 = model.predict(openAhead, 0.8);
  const p95 = model.predict(openAhead, 0.95);

  let k = 0;
  return future.map((t) => {
    const open = openPositions.has(weekPosition(t, granularity));
    const index = open ? k++ : -1;
    const closed = !open || closedDays.has(sameDateLastYear(dayOf(t)));
    const value = (xs: number[] | undefined) => (closed ? 0 : round(Math.max(0, xs?.[index] ?? 0)));
    return {
      start: t.toISOString(),
      expected: value(p80.point),
      lower80: value(p80.intervals?.lower),
      upper80: value(p80.intervals?.upper),
      lower95: value(p95.intervals?.lower),
      upper95: value(p95.intervals?.upper),
      closed,
    };
  });
}

/** Holes take the value a week before (or, at the start, a week after); leading holes are dropped. */
function fillHoles(series: number[], period: number): number[] {
  const y = [...series];
  for (let i = period; i < y.length; i++) if (Number.isNaN(y[i])) y[i] = y[i - period]!;
  for (let i = y.length - period - 1; i >= 0; i--) if (Number.isNaN(y[i])) y[i] = y[i + period]!;
  const first = y.findIndex((v) => !Number.isNaN(v));
  if (first < 0) return [];
  const filled = y.slice(first);
  for (let i = 1; i < filled.length; i++) if (Number.isNaN(filled[i])) filled[i] = filled[i - 1]!;
  return filled;
}

const round = (x: number) => Math.round(x * 100) / 100;
