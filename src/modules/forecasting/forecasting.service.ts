import type { Conn } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors.js';
import { expectedCampaignOrders } from '../campaigns/index.js';
import { type Backtest, rollingOriginBacktest } from './backtest.js';
import { BUCKET_MS, floorToBucket, type Granularity, WEEK } from './calendar.js';
import { type CapacityPlan, planCapacity } from './capacity-plan.js';
import { type ForecastPoint, forecastOrders, HistoryTooShort, type OrderHistory } from './order-forecast.js';
import { maxHorizon, readOrderHistory } from './order-history.js';

/** Campaign orders arrive on this channel unless the buyer's request names another. */
const FLASH_SALE_CHANNEL = 'flash-sale';

export interface ForecastQuery {
  granularity: Granularity;
  horizon: number;
  channel?: string | undefined;
  /** The first bucket to forecast (floored to its bucket); the current one when not given. */
  start?: Date | undefined;
}

export interface CampaignForecastPoint extends ForecastPoint {
  /** Orders the scheduled flash sales are expected to add to this bucket, included in every figure. */
  campaignUplift: number;
}

export async function forecastOrderVolume(
  db: Conn,
  q: ForecastQuery,
  now: Date,
): Promise<CampaignForecastPoint[]> {
  const start = floorToBucket(q.start ?? now, q.granularity);
  const history = await readOrderHistory(db, { granularity: q.granularity, end: start, channel: q.channel });
  checkHorizon(history, q.horizon);
  const points = modelled(() => forecastOrders(history, q.horizon));
  const bucket = BUCKET_MS[q.granularity];
  const end = new Date(start.getTime() + q.horizon * bucket);
  const campaigns =
    q.channel && q.channel !== FLASH_SALE_CHANNEL ? [] : await expectedCampaignOrders(db, start, end);
  return points.map((p) => {
    const from = Date.parse(p.start);
    // Each sale's expected orders spread evenly over what is left of its window.
    const uplift = campaigns.reduce((sum, c) => {
      const windowStart = Math.max(c.startsAt.getTime(), start.getTime());
      const window = c.endsAt.getTime() - windowStart;
      const overlap = Math.min(from + bucket, c.endsAt.getTime()) - Math.max(from, windowStart);
      return window > 0 && overlap > 0 ? sum + (c.expectedOrders * overlap) / window : sum;
    }, 0);
    const add = (x: number) => Math.round((x + uplift) * 100) / 100;
    return {
      ...p,
      expected: add(p.expected),
      lower80: add(p.lower80),
      upper80: add(p.upper80),
      lower95: add(p.lower95),
      upper95: add(p.upper95),
      campaignUplift: Math.round(uplift * 100) / 100,
    };
  });
}

export interface BacktestQuery {
  granularity: Granularity;
  horizon: number;
  origins: number;
  channel?: string | undefined;
  /** Where the evaluated history ends (the last origin's forecast ends here); now when not given. */
  end?: Date | undefined;
}

export async function backtestOrderForecast(db: Conn, q: BacktestQuery, now: Date): Promise<Backtest> {
  const end = floorToBucket(q.end ?? now, q.granularity);
  const history = await readOrderHistory(db, { granularity: q.granularity, end, channel: q.channel });
  // The earliest origin must still have two weeks of training and support the horizon.
  const earliest = history.counts.length - q.horizon - (q.origins - 1) * WEEK[q.granularity];
  checkHorizon({ ...history, counts: history.counts.slice(0, Math.max(0, earliest)) }, q.horizon);
  return modelled(() => rollingOriginBacktest(history, q.horizon, q.origins));
}

function checkHorizon(history: OrderHistory, horizon: number): void {
  const max = maxHorizon(history);
  if (horizon > max) {
    throw new AppError(
      'unprocessable',
      `The order history supports a horizon of at most ${max} ${history.granularity}s`,
      {
        errors: [
          {
            field: 'horizon',
            message: `at most ${max} for ${history.counts.length} ${history.granularity}s of history`,
          },
        ],
      },
    );
  }
}

function modelled<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof HistoryTooShort)
      throw new AppError('unprocessable', error.message, {}, { cause: error });
    throw error;
  }
}

/**
 * The capacity plan for the UTC day of `at`: the hourly forecast of that day (from now, or from the
 * day's start when it is past), its busiest hour and the day's flash sales, sized by planCapacity.
 */
export async function planCapacityFor(
  db: Conn,
  at: Date,
  now: Date,
  poolSize: number,
): Promise<CapacityPlan & { day: string }> {
  const day = floorToBucket(at, 'day');
  const dayEnd = new Date(day.getTime() + BUCKET_MS.day);
  const nowHour = floorToBucket(now, 'hour');
  // A day already past is planned as it would have been that morning, from the history before it.
  const origin = nowHour < day || nowHour >= dayEnd ? day : nowHour;
  const horizon = Math.round((dayEnd.getTime() - origin.getTime()) / BUCKET_MS.hour);
  const hours = await forecastOrderVolume(db, { granularity: 'hour', horizon, start: origin }, now);
  const peak = hours
    .map((h) => ({
      start: h.start,
      expected: h.expected - h.campaignUplift,
      upper95: h.upper95 - h.campaignUplift,
    }))
    .reduce((a, b) => (b.upper95 > a.upper95 ? b : a));
  const sales = (await expectedCampaignOrders(db, day, dayEnd)).map((c) => ({
    id: c.id,
    name: c.name,
    startsAt: c.startsAt.toISOString(),
    units: c.allotted,
  }));
  return {
    day: day.toISOString().slice(0, 10),
    ...planCapacity({
      peakHour: { ...peak, expected: round2(peak.expected), upper95: round2(peak.upper95) },
      sales,
      poolSize,
    }),
  };
}

const round2 = (x: number) => Math.round(x * 100) / 100;
