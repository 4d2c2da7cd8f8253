/** How finely order counts are bucketed: UTC days or UTC hours. */
export const GRANULARITIES = ['day', 'hour'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

const HOUR = 3_600_000;
export const BUCKET_MS: Record<Granularity, number> = { day: 24 * HOUR, hour: HOUR };
/** Buckets in a week: the seasonal naive's lag, and the cycle closed buckets are found on. */
export const WEEK: Record<Granularity, number> = { day: 7, hour: 168 };

export function floorToBucket(at: Date, granularity: Granularity): Date {
  const ms = BUCKET_MS[granularity];
  return new Date(Math.floor(at.getTime() / ms) * ms);
}

/** Where a bucket falls in the week: the weekday (day) or weekday × 24 + hour (hour), UTC. */
export function weekPosition(at: Date, granularity: Granularity): number {
  return granularity === 'day' ? at.getUTCDay() : at.getUTCDay() * 24 + at.getUTCHours();
}

/** The UTC day a bucket falls in, as yyyy-mm-dd. */
export const dayOf = (at: Date): string => at.toISOString().slice(0, 10);

/** The same calendar date one year earlier, as yyyy-mm-dd (29 February has none). */
export function sameDateLastYear(day: string): string {
  return `${Number(day.slice(0, 4)) - 1}${day.slice(4)}`;
}
