import { sql } from 'kysely';
import type { Conn } from '../../platform/db/database.js';
import { anyUuid } from '../../platform/db/row-sets.js';

/**
 * What analytics groups orders by beyond their events: the payment method chosen at checkout and the
 * region of the first ship-to address (`CN-Shanghai`, or the country when no province was given); one
 * read for several orders (a consumer's batch), orders that do not exist left out.
 *
 *   select distinct on (o.id) o.id, o.payment_method, a.country, a.province
 *   from orders o left join order_addresses a on a.order_id = o.id
 *   where o.id in (…) order by o.id, a.key
 */
export async function findOrderDimensions(
  db: Conn,
  orderIds: readonly string[],
): Promise<Map<string, { paymentMethod: string; region: string }>> {
  const found = new Map<string, { paymentMethod: string; region: string }>();
  if (orderIds.length === 0) return found;
  const rows = await db
    .selectFrom('orders')
    .leftJoin('order_addresses', 'order_addresses.order_id', 'orders.id')
    .distinctOn('orders.id')
    .select(['orders.id', 'orders.payment_method', 'order_addresses.country', 'order_addresses.province'])
    .where('orders.id', '=', anyUuid(orderIds))
    .orderBy('orders.id')
    .orderBy('order_addresses.key')
    .execute();
  for (const row of rows) {
    const region = row.country ? (row.province ? `${row.country}-${row.province}` : row.country) : 'unknown';
    found.set(row.id, { paymentMethod: row.payment_method, region });
  }
  return found;
}

export interface HistoricalOrderFacts {
  orders: {
    id: string;
    placed_at: Date;
    channel: string;
    currency: string;
    grand_total: number;
    units: number;
  }[];
  lines: { order_id: string; sku: string; quantity: number; amount: number }[];
}

/** What analytics records of imported orders (no address, no payment method: history has neither). */
export async function findHistoricalOrderFacts(
  db: Conn,
  ids: readonly string[],
): Promise<HistoricalOrderFacts> {
  if (ids.length === 0) return { orders: [], lines: [] };
  const [orders, lines] = await Promise.all([
    sql<HistoricalOrderFacts['orders'][number]>`
      select o.id, o.placed_at, o.channel, o.currency, o.grand_total::float8 as grand_total,
             coalesce((select sum(quantity) from order_lines l where l.order_id = o.id), 0)::int as units
      from orders o where o.id = any(${ids}::uuid[])`.execute(db),
    sql<HistoricalOrderFacts['lines'][number]>`
      select order_id, sku, sum(quantity)::int as quantity, sum(line_total)::float8 as amount
      from order_lines where order_id = any(${ids}::uuid[]) group by 1, 2`.execute(db),
  ]);
  return { orders: orders.rows, lines: lines.rows };
}
