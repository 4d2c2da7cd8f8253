import { sql } from 'kysely';
import type { Conn, Db } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import type { LaneRecord } from './carrier-choice.js';

/** How far back the record reaches, and how often a process recomputes it. */
export const LANE_WINDOW_DAYS = 90;
export const LANE_REFRESH_MINUTES = 10;
/** The promise a shipment is measured against when its order kept none (orders from before pricing). */
const DEFAULT_PROMISE_DAYS = 5;

export const laneProvince = (province: string | null | undefined) => (province ?? '').trim().toLowerCase();

/**
 * Recomputes carrier_lanes from the delivered shipments of the last LANE_WINDOW_DAYS: per carrier and
 * destination, how many were delivered, how many within the promise the order was sold with (the
 * chosen option's maxDays, counted from shipped_at), and their total lead time. One statement over
 * the window, read-only on fulfilment's shipments and the orders' addresses and kept pricing; run by
 * the job at most every LANE_REFRESH_MINUTES (the refresh row is claimed, so one process does it), or
 * at once with `force`. Returns the number of lanes, or 0 when it was not its turn.
 */
export function refreshCarrierLanes(db: Db, options: { force?: boolean } = {}): Promise<number> {
  return inTransaction(db, async (trx) => {
    const claimed = await trx
      .updateTable('carrier_lanes_refresh')
      .set({ refreshed_at: sql`now()` })
      .where('id', '=', 1)
      .$if(!options.force, (q) =>
        q.where('refreshed_at', '<', sql<Date>`now() - make_interval(mins => ${LANE_REFRESH_MINUTES})`),
      )
      .executeTakeFirst();
    if (claimed.numUpdatedRows === 0n) return 0;
    await trx.deleteFrom('carrier_lanes').execute();
    const { rows } = await sql<{ n: number }>`
      with delivered as (
        select lower(s.carrier) as carrier, a.country, lower(trim(coalesce(a.province, ''))) as province,
               extract(epoch from s.delivered_at - s.shipped_at) / 3600 as hours,
               coalesce(promise.max_days, ${DEFAULT_PROMISE_DAYS}) as promise_days
        from shipments s
        join order_addresses a on a.order_id = s.order_id and a.key = s.ship_to
        join orders o on o.id = s.order_id
        left join lateral (
          select (e ->> 'maxDays')::int as max_days
          from jsonb_array_elements(coalesce(o.pricing -> 'shipments', '[]'::jsonb)) e
          where e ->> 'address' = s.ship_to limit 1
        ) promise on true
        where s.carrier is not null and s.shipped_at is not null and s.delivered_at is not null
          and s.delivered_at > now() - make_interval(days => ${LANE_WINDOW_DAYS})
      ), lanes as (
        insert into carrier_lanes (carrier, country, province, deliveries, on_time, lead_hours)
        select carrier, country, province, count(*)::int,
               (count(*) filter (where hours <= promise_days * 24))::int, coalesce(sum(hours), 0)
        from delivered group by carrier, country, province
        returning 1
      )
      select count(*)::int as n from lanes`.execute(trx);
    return rows[0]?.n ?? 0;
  });
}

/** The records of every carrier to these destinations, by `country|province` and then carrier. */
export async function findLaneRecords(
  db: Conn,
  destinations: ReadonlyArray<{ country: string; province: string | null }>,
): Promise<Map<string, Map<string, LaneRecord>>> {
  const out = new Map<string, Map<string, LaneRecord>>();
  if (destinations.length === 0) return out;
  const rows = await db
    .selectFrom('carrier_lanes')
    .selectAll()
    .where(
      sql<boolean>`(country, province) in (select * from unnest(${destinations.map((d) => d.country)}::text[],
        ${destinations.map((d) => laneProvince(d.province))}::text[]))`,
    )
    .execute();
  for (const r of rows) {
    const key = `${r.country}|${r.province}`;
    if (!out.has(key)) out.set(key, new Map());
    out.get(key)!.set(r.carrier, { deliveries: r.deliveries, onTime: r.on_time, leadHours: r.lead_hours });
  }
  return out;
}

export const laneKey = (country: string, province: string | null | undefined) =>
  `${country}|${laneProvince(province)}`;

export function listCarrierLanes(db: Conn) {
  return db
    .selectFrom('carrier_lanes')
    .selectAll()
    .orderBy('country')
    .orderBy('province')
    .orderBy('carrier')
    .execute();
}
