import { sql } from 'kysely';
import type { Conn } from '../../platform/db/database.js';

/**
 * Orders placed per UTC day or hour in [from, to), optionally of one channel; buckets without orders
 * are absent. Served by orders_placed_idx / orders_channel_idx:
 *
 *   select date_trunc($unit, placed_at, 'UTC') as bucket, count(*) from orders
 *   where placed_at >= $from and placed_at < $to [and channel = $channel] group by 1 order by 1
 */
export async function countOrdersPerBucket(
  db: Conn,
  q: { unit: 'day' | 'hour'; from: Date; to: Date; channel?: string | undefined },
): Promise<{ bucket: Date; orders: number }[]> {
  const { rows } = await sql<{ bucket: Date; orders: number }>`
    select date_trunc(${q.unit}, placed_at, 'UTC') as bucket, count(*)::int as orders
    from orders
    where placed_at >= ${q.from} and placed_at < ${q.to}
    ${q.channel ? sql`and channel = ${q.channel}` : sql``}
    group by 1 order by 1
  `.execute(db);
  return rows.map((r) => ({ bucket: new Date(r.bucket), orders: r.orders }));
}

/** When the last order before `before` was placed (of one channel, if given). */
export async function lastOrderBefore(db: Conn, before: Date, channel?: string): Promise<Date | undefined> {
  let q = db.selectFrom('orders').select('placed_at').where('placed_at', '<', before);
  if (channel) q = q.where('channel', '=', channel);
  const row = await q.orderBy('placed_at', 'desc').limit(1).executeTakeFirst();
  return row?.placed_at;
}
