import type { Conn } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors.js';
import { countOrdersPerBucket, lastOrderBefore } from '../orders/index.js';
import { BUCKET_MS, type Granularity, WEEK } from './calendar.js';
import type { OrderHistory } from './order-forecast.js';

/** How far back a forecast reads: three years of days, half a year of hours. */
const LOOKBACK: Record<Granularity, number> = { day: 3 * 366, hour: 26 * 168 };
/** A history whose last order is older than this before the forecast starts says nothing about it. */
const STALE_AFTER_WEEKS = 4;

/**
 * The order counts of every bucket from the first order (within the lookback) up to `end`, zeros
 * included. Refuses (422) when there is no history, or when it stopped long before `end`.
 */
export async function readOrderHistory(
  db: Conn,
  q: { granularity: Granularity; end: Date; channel?: string | undefined },
): Promise<OrderHistory> {
  const bucket = BUCKET_MS[q.granularity];
  const last = await lastOrderBefore(db, q.end, q.channel);
  const of = q.channel ? ` of channel ${q.channel}` : '';
  if (!last)
    throw new AppError(
      'unprocessable',
      `There is no order history${of} before ${q.end.toISOString()} to forecast from`,
    );
  if (q.end.getTime() - last.getTime() > STALE_AFTER_WEEKS * 7 * 86_400_000) {
    throw new AppError(
      'unprocessable',
      `The order history${of} ends at ${last.toISOString()}, more than ${STALE_AFTER_WEEKS} weeks before ${q.end.toISOString()}`,
    );
  }
  const rows = await countOrdersPerBucket(db, {
    unit: q.granularity,
    from: new Date(q.end.getTime() - LOOKBACK[q.granularity] * bucket),
    to: q.end,
    channel: q.channel,
  });
  const start = rows[0]!.bucket;
  const counts = new Array<number>(Math.round((q.end.getTime() - start.getTime()) / bucket)).fill(0);
  for (const r of rows) counts[Math.round((r.bucket.getTime() - start.getTime()) / bucket)] = r.orders;
  return { granularity: q.granularity, start, counts };
}

/** The longest horizon a history supports: half its length, and no more than 92 days (or 4 weeks of hours). */
export function maxHorizon(history: OrderHistory): number {
  const cap = history.granularity === 'day' ? 92 : 4 * WEEK.hour;
  return Math.min(cap, Math.floor(history.counts.length / 2));
}
