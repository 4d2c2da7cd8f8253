import { AppError, type FieldError } from '../../platform/errors.js';

export const GRANULARITIES = ['hour', 'day', 'week', 'month'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** The longest range each granularity answers (days): beyond it a chart has more points than use. */
export const MAX_RANGE_DAYS: Record<Granularity, number> = { hour: 31, day: 731, week: 1830, month: 3660 };
/** The longest range of the reports that are not a series (funnel, lead times, payments). */
export const MAX_REPORT_DAYS = 731;

/**
 * The zones daily sales rows are cut in (a day = that zone's midnight to midnight): reports by
 * day/week/month in these zones read days; in another zone they read hours (slower past a few months).
 * UTC, and the zone of the shop's market.
 */
export const ROLLUP_ZONES = ['UTC', 'Asia/Shanghai'] as const;

const ZONES = new Set([...Intl.supportedValuesOf('timeZone'), 'UTC']);

export interface Range {
  from: Date;
  to: Date;
  tz: string;
  /** The period just before, as long. */
  previous: { from: Date; to: Date };
}

const floorTo = (t: number, unit: number) => Math.floor(t / unit) * unit;
const ceilTo = (t: number, unit: number) => Math.ceil(t / unit) * unit;

/**
 * Checks a query's range and time zone, and widens the range to the rollups' grain: whole UTC hours
 * (whole UTC days for the lead-time histograms). A zone whose offset is not whole hours (Asia/Kolkata)
 * therefore gets hours that start on the UTC hour. Bad input is a 400 naming the field.
 */
export function parseRange(
  q: { from: string; to: string; tz?: string | undefined },
  maxDays: number,
  grain: 'hour' | 'day' = 'hour',
): Range {
  const errors: FieldError[] = [];
  const tz = q.tz ?? 'UTC';
  if (!ZONES.has(tz)) errors.push({ field: '/tz', message: `unknown time zone ${tz}; use an IANA name` });
  const unit = grain === 'hour' ? HOUR_MS : DAY_MS;
  const from = floorTo(Date.parse(q.from), unit);
  const to = ceilTo(Date.parse(q.to), unit);
  if (!Number.isFinite(from)) errors.push({ field: '/from', message: 'not a date-time' });
  if (!Number.isFinite(to)) errors.push({ field: '/to', message: 'not a date-time' });
  if (errors.length === 0 && !(Date.parse(q.from) < Date.parse(q.to)))
    errors.push({ field: '/to', message: 'must be after from' });
  else if (errors.length === 0 && to - from > maxDays * DAY_MS)
    errors.push({ field: '/to', message: `the range may span at most ${maxDays} days here` });
  if (errors.length > 0) throw new AppError('validation_failed', 'The range is not valid', { errors });
  const length = to - from;
  return {
    from: new Date(from),
    to: new Date(to),
    tz,
    previous: { from: new Date(from - length), to: new Date(from) },
  };
}
