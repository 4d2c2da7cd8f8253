import { sql } from 'kysely';
import type { Trx } from '../../platform/db/database.js';

export interface HistoricalOrderRow {
  id: string;
  number: string;
  channel: string;
  customer_email: string;
  customer_name: string | null;
  currency: string;
  subtotal: number;
  shipping_total: number;
  grand_total: number;
  placed_at: Date;
  lines: { id: string; line_no: number; sku: string; title: string; unit_price: number; quantity: number }[];
  timeline: { id: string; message: string; data: Record<string, unknown> };
}

/**
 * Writes a batch of finished orders from an earlier system in one statement; an order whose number is
 * already there is left alone, with its lines, so loading the same history again adds nothing.
 * Rows travel as one JSON parameter each (a batch has thousands of lines, past the 65,535 bind limit):
 *
 *   with input as (select * from json_to_recordset($orders) as i(id uuid, number text, …)),
 *   o as (insert into orders (…) select … from input on conflict (number) do nothing returning id),
 *   l as (insert into order_lines select … from input join o using (id), json_to_recordset(input.lines) …),
 *   t as (insert into order_timeline select … from input join o using (id))
 *   select count(*) from o
 *
 * No order events: these orders are history, not news, and subscribers must not receive a year of
 * order.placed events for orders long finished. Returns the ids of the orders it wrote.
 */
export async function insertHistoricalOrders(trx: Trx, orders: HistoricalOrderRow[]): Promise<string[]> {
  const { rows } = await sql<{ inserted: string[] }>`
    with input as (
      select * from json_to_recordset(${JSON.stringify(orders)}::json) as i(
        id uuid, number text, channel text, customer_email text, customer_name text, currency text,
        subtotal bigint, shipping_total bigint, grand_total bigint, placed_at timestamptz, lines json, timeline json)
    ),
    o as (
      insert into orders (id, number, channel, status, payment_status, fulfillment_status, payment_method,
        customer_email, customer_name, currency, subtotal, shipping_total, discount_total, tax_total,
        grand_total, paid_total, placed_at, updated_at, completed_at)
      select id, number, channel, 'completed', 'paid', 'delivered', 'unknown', customer_email, customer_name,
        currency, subtotal, shipping_total, 0, 0, grand_total, grand_total, placed_at, placed_at, placed_at
      from input
      on conflict (number) do nothing
      returning id
    ),
    l as (
      insert into order_lines (id, order_id, line_no, sku, product_id, variant_id, title, unit_price, quantity,
        line_total, ship_to)
      -- Not catalog products: the nil UUID says so, and the SKU keeps the history's own code.
      select x.id, input.id, x.line_no, x.sku, '00000000-0000-0000-0000-000000000000',
        '00000000-0000-0000-0000-000000000000', x.title, x.unit_price, x.quantity, x.unit_price * x.quantity, 'default'
      from input join o using (id),
        json_to_recordset(input.lines) as x(id uuid, line_no int, sku text, title text, unit_price bigint, quantity int)
    ),
    t as (
      insert into order_timeline (id, order_id, at, kind, to_status, actor, message, data)
      select (input.timeline->>'id')::uuid, input.id, input.placed_at, 'order.imported', 'completed', 'history',
        input.timeline->>'message', input.timeline->'data'
      from input join o using (id)
    )
    select coalesce(json_agg(id), '[]'::json) as inserted from o
  `.execute(trx);
  return rows[0]!.inserted;
}
