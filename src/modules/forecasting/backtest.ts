import { WEEK } from './calendar.js';
import { type ForecastPoint, forecastOrders, type OrderHistory } from './order-forecast.js';

/** One forecast set against what happened, scaled as Hyndman & Koehler's MASE. */
export interface OriginScore {
  origin: string;
  mase: { model: number; seasonalNaive: number; naive: number };
  /** Buckets the model did not declare closed (or that had orders anyway), and how many each interval held. */
  scored: number;
  within80: number;
  within95: number;
}

export interface Backtest {
  granularity: OrderHistory['granularity'];
  horizon: number;
  origins: OriginScore[];
  /** Means over the origins. */
  mase: { model: number; seasonalNaive: number; naive: number };
  /** model MASE ÷ seasonal naive's: below 1 is better than "same weekday last week". */
  relativeToSeasonalNaive: number;
  coverage: { p80: number; p95: number };
}

/** Mean absolute error. */
export const mae = (actual: number[], predicted: number[]): number =>
  actual.reduce((sum, y, i) => sum + Math.abs(y - predicted[i]!), 0) / actual.length;

/**
 * The MASE denominator: the in-sample mean absolute error of the seasonal naive forecast with lag m
 * (m = 1 is the naive one), i.e. mean |y_t − y_{t−m}| over the training series.
 */
export function naiveScale(training: number[], m: number): number {
  let sum = 0;
  for (let t = m; t < training.length; t++) sum += Math.abs(training[t]! - training[t - m]!);
  return sum / (training.length - m);
}

/** Same bucket last week, repeated: ŷ_{T+h} = y_{T+h−m·⌈h/m⌉}. */
export const seasonalNaive = (training: number[], m: number, horizon: number): number[] =>
  Array.from({ length: horizon }, (_, h) => training[training.length - m + (h % m)]!);

/** The last value, repeated. */
export const naive = (training: number[], horizon: number): number[] =>
  Array.from({ length: horizon }, () => training[training.length - 1]!);

/** Scores one origin's forecast of `actual` (the buckets right after `training`). */
export function scoreOrigin(
  origin: string,
  training: number[],
  actual: number[],
  forecast: ForecastPoint[],
  m: number,
): OriginScore {
  const scale = naiveScale(training, m);
  const h = actual.length;
  const scored = forecast.filter((f, i) => !f.closed || actual[i]! > 0);
  const held = (lower: keyof ForecastPoint, upper: keyof ForecastPoint) =>
    forecast.filter(
      (f, i) =>
        (!f.closed || actual[i]! > 0) &&
        actual[i]! >= (f[lower] as number) &&
        actual[i]! <= (f[upper] as number),
    ).length;
  return {
    origin,
    mase: {
      model:
        mae(
          actual,
          forecast.map((f) => f.expected),
        ) / scale,
      seasonalNaive: mae(actual, seasonalNaive(training, m, h)) / scale,
      naive: mae(actual, naive(training, h)) / scale,
    },
    scored: scored.length,
    within80: held('lower80', 'upper80'),
    within95: held('lower95', 'upper95'),
  };
}

/**
 * Rolling origin: the last origin leaves exactly `horizon` buckets to forecast at the end of the
 * history, each earlier one a week before the next; every origin forecasts from all the history
 * before it.
 */
export function rollingOriginBacktest(history: OrderHistory, horizon: number, originCount: number): Backtest {
  const m = WEEK[history.granularity];
  const origins: OriginScore[] = [];
  for (let o = originCount - 1; o >= 0; o--) {
    const end = history.counts.length - horizon - o * m;
    const training = history.counts.slice(0, end);
    const actual = history.counts.slice(end, end + horizon);
    const forecast = forecastOrders({ ...history, counts: training }, horizon);
    origins.push(scoreOrigin(forecast[0]!.start, training, actual, forecast, m));
  }
  const mean = (pick: (s: OriginScore) => number) =>
    origins.reduce((sum, s) => sum + pick(s), 0) / origins.length;
  const scored = origins.reduce((sum, s) => sum + s.scored, 0);
  const mase = {
    model: mean((s) => s.mase.model),
    seasonalNaive: mean((s) => s.mase.seasonalNaive),
    naive: mean((s) => s.mase.naive),
  };
  return {
    granularity: history.granularity,
    horizon,
    origins,
    mase,
    relativeToSeasonalNaive: mase.model / mase.seasonalNaive,
    coverage: {
      p80: origins.reduce((sum, s) => sum + s.within80, 0) / scored,
      p95: origins.reduce((sum, s) => sum + s.within95, 0) / scored,
    },
  };
}
