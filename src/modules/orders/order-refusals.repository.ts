import { sql } from 'kysely';
import type { Conn, Db } from '../../platform/db/database.js';
import type { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';

export interface RefusedPlacement {
  source: 'order' | 'checkout';
  cartId?: string;
  channel?: string;
  error: AppError;
}

/**
 * Records a refused placement, after its transaction rolled back (a row written inside it would be
 * rolled back with it): one append-only insert, on the refusal path only, so accepted orders pay
 * nothing. A failure to record is swallowed: the buyer's answer is the refusal, not this row.
 */
export async function recordRefusedPlacement(db: Db, r: RefusedPlacement): Promise<void> {
  const shortages = Array.isArray(r.error.extra.shortages) ? r.error.extra.shortages : [];
  try {
    await db
      .insertInto('order_refusals')
      .values({
        id: newId(),
        source: r.source,
        cart_id: r.cartId ?? null,
        reason: r.error.code,
        channel: r.channel ?? null,
        shortages: JSON.stringify(shortages),
      })
      .execute();
  } catch {
    // counted nowhere else; losing one count is better than turning a 409 into a 500
  }
}

/** Refusals per hour in [from, to): checkouts refused (per reason) and stockouts (per SKU, units short). */
export async function refusalsPerHour(
  db: Conn,
  range: { from: Date; to: Date },
): Promise<
  { hour: Date; kind: 'checkout_refused' | 'stockout'; key: string; events: number; units: number }[]
> {
  const { rows } = await sql<{
    hour: Date;
    kind: 'checkout_refused' | 'stockout';
    key: string;
    events: string;
    units: string;
  }>`
    select date_trunc('hour', at, 'UTC') as hour, 'checkout_refused' as kind, reason as key,
           count(distinct cart_id) as events, 0 as units
    from order_refusals where at >= ${range.from} and at < ${range.to} and source = 'checkout'
    group by 1, 3
    union all
    select date_trunc('hour', r.at, 'UTC'), 'stockout', s.sku, count(*),
           sum(greatest(s.requested - s.available, 0))
    from order_refusals r
    cross join lateral jsonb_to_recordset(r.shortages) as s(sku text, requested int, available int)
    where r.at >= ${range.from} and r.at < ${range.to}
    group by 1, 3`.execute(db);
  return rows.map((r) => ({
    ...r,
    hour: new Date(r.hour),
    events: Number(r.events),
    units: Number(r.units),
  }));
}
