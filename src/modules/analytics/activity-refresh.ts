import { sql } from 'kysely';
import type { Trx } from '../../platform/db/database.js';
import { cartActivity } from '../cart/index.js';
import { refusalsPerHour } from '../orders/index.js';

const HOUR_MS = 3_600_000;
/** How far back the first refresh looks for carts and refusals made before analytics was installed. */
const FIRST_LOOK_BACK_MS = 400 * 24 * HOUR_MS;
/** A cart or refusal row is written a moment before it commits: the hour before the mark is done again. */
const LATE_COMMIT_MS = HOUR_MS;

/**
 * Carts created, checkouts done and refused, stockouts: facts that have no event (a cart is no order,
 * a refused placement left nothing behind but its refusal row), counted per hour from the cart and
 * refusal tables by time instead of by dirty hour. Each round recomputes the hours from the last mark
 * (less an hour, for rows written before but committed after it) to now, and moves the mark. Returns
 * the range of hours it recomputed.
 */
export async function recomputeActivity(trx: Trx, now: Date): Promise<{ from: Date; to: Date }> {
  const mark = await trx
    .selectFrom('analytics_refresh_marks')
    .select('upto')
    .where('name', '=', 'activity')
    .executeTakeFirst();
  const floorHour = (t: number) => new Date(Math.floor(t / HOUR_MS) * HOUR_MS);
  const from = floorHour(
    mark ? new Date(mark.upto).getTime() - LATE_COMMIT_MS : now.getTime() - FIRST_LOOK_BACK_MS,
  );
  const to = new Date(floorHour(now.getTime()).getTime() + HOUR_MS);
  const range = { from, to };
  const [carts, refusals] = await Promise.all([cartActivity(trx, range), refusalsPerHour(trx, range)]);
  await sql`delete from analytics_activity_by_hour where hour >= ${from} and hour < ${to}`.execute(trx);
  const rows = [
    ...carts.map((c) => ({ kind: c.kind, hour: c.hour, key: '', events: c.events, units: 0 })),
    ...refusals,
  ];
  for (let i = 0; i < rows.length; i += 2000)
    await trx
      .insertInto('analytics_activity_by_hour')
      .values(rows.slice(i, i + 2000))
      .execute();
  await trx
    .insertInto('analytics_refresh_marks')
    .values({ name: 'activity', upto: now })
    .onConflict((oc) => oc.column('name').doUpdateSet({ upto: now }))
    .execute();
  return range;
}
