import { sql } from 'kysely';
import type { Trx } from '../../platform/db/database.js';

/**
 * A batch of finished orders from an earlier system, column by column (what the statement unnests):
 * `orders.*[i]` is one order, `lines.*[j]` one line of the order `lines.order_id[j]`.
 */
export interface HistoricalOrderColumns {
  orders: {
    id: string[];
    number: string[];
    channel: string[];
    customer_email: string[];
    customer_name: (string | null)[];
    currency: string[];
    subtotal: number[];
    shipping_total: number[];
    grand_total: number[];
    placed_at: string[];
    timeline_id: string[];
    message: string[];
    /** The timeline entry's data, as JSON text. */
    data: string[];
  };
  lines: {
    id: string[];
    order_id: string[];
    line_no: number[];
    sku: string[];
    title: string[];
    unit_price: number[];
    quantity: number[];
  };
}

/**
 * A PostgreSQL array literal of text values, every element quoted (`{"a","b \"c\""}`); null is NULL.
 * Made here rather than by the driver, element by element: a batch has tens of thousands of them.
 */
function textArray(values: readonly (string | null)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) out += ',';
    if (v === null || v === undefined) out += 'NULL';
    else if (v.includes('"') || v.includes('\\')) out += `"${v.replace(/[\\"]/g, '\\$&')}"`;
    else out += `"${v}"`;
  }
  return `${out}}`;
}

/** Numbers and UUIDs need no quoting in an array literal. */
const plainArray = (values: readonly (number | string)[]) => `{${values.join(',')}}`;

/**
 * Writes a batch of finished orders from an earlier system in one statement; an order whose number is
 * already there is left alone, with its lines, so loading the same history again adds nothing.
 * Each column travels as one array parameter (a batch has thousands of lines, past the 65,535 bind
 * limit), unnested side by side — one parse of a flat array per column, where JSON records were
 * parsed once for the orders and again for each order's lines:
 *
 *   with o as (insert into orders (…) select … from unnest($id::uuid[], $number::text[], …) as i(…)
 *              on conflict (number) do nothing returning id),
 *   l as (insert into order_lines select … from unnest($line_id::uuid[], $order_id::uuid[], …) as x(…)
 *         where x.order_id in (select id from o)),
 *   t as (insert into order_timeline select … from unnest(…) join o using (id))
 *   select coalesce(json_agg(id), '[]') from o
 *
 * No order events: these orders are history, not news, and subscribers must not receive a year of
 * order.placed events for orders long finished. Returns the ids of the orders it wrote.
 */
export async function insertHistoricalOrders(trx: Trx, batch: HistoricalOrderColumns): Promise<string[]> {
  const o = batch.orders;
  const l = batch.lines;
  const { rows } = await sql<{ inserted: string[] }>`
    with input as (
      select * from unnest(${plainArray(o.id)}::uuid[], ${textArray(o.number)}::text[],
        ${textArray(o.channel)}::text[], ${textArray(o.customer_email)}::text[],
        ${textArray(o.customer_name)}::text[], ${textArray(o.currency)}::text[],
        ${plainArray(o.subtotal)}::bigint[], ${plainArray(o.shipping_total)}::bigint[],
        ${plainArray(o.grand_total)}::bigint[], ${textArray(o.placed_at)}::timestamptz[],
        ${plainArray(o.timeline_id)}::uuid[], ${textArray(o.message)}::text[], ${textArray(o.data)}::jsonb[])
        as i(id, number, channel, customer_email, customer_name, currency, subtotal, shipping_total,
             grand_total, placed_at, timeline_id, message, data)
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
      select x.id, x.order_id, x.line_no, x.sku, '00000000-0000-0000-0000-000000000000',
        '00000000-0000-0000-0000-000000000000', x.title, x.unit_price, x.quantity, x.unit_price * x.quantity, 'default'
      from unnest(${plainArray(l.id)}::uuid[], ${plainArray(l.order_id)}::uuid[], ${plainArray(l.line_no)}::int[],
        ${textArray(l.sku)}::text[], ${textArray(l.title)}::text[], ${plainArray(l.unit_price)}::bigint[],
        ${plainArray(l.quantity)}::int[]) as x(id, order_id, line_no, sku, title, unit_price, quantity)
      where x.order_id in (select id from o)
    ),
    t as (
      insert into order_timeline (id, order_id, at, kind, to_status, actor, message, data)
      select input.timeline_id, input.id, input.placed_at, 'order.imported', 'completed', 'history',
        input.message, input.data
      from input join o using (id)
    )
    select coalesce(json_agg(id), '[]'::json) as inserted from o
  `.execute(trx);
  return rows[0]!.inserted;
}
