import { sql } from 'kysely';
import type { Db } from '../../src/platform/db/database.js';

/**
 * `count` synthetic orders over the year before `end`, generated in SQL (generate_series), into the
 * orders table and, as the analytics consumer would have written them, into the analytics facts; then
 * every placement hour is marked for the rollup refresh. Seasonality: an evening peak (Shanghai time),
 * busier weekends, a November–December season and a Double-11 spike. Outcomes: ~5% unpaid timeouts,
 * ~3% buyer cancellations, cash on delivery unpaid until delivery, one slow warehouse and one slow
 * carrier. Returns how many orders were made (the hourly rounding moves it a little off `count`).
 */
export async function generateSyntheticOrders(db: Db, count: number, end: Date): Promise<number> {
  const start = new Date(end.getTime() - 364 * 86_400_000);
  await sql`
    create table synthetic as
    with hours as (
      select hour,
             (1 + 0.6 * cos(2 * pi() * (extract(hour from hour at time zone 'Asia/Shanghai') - 20) / 24))
             * (case when extract(isodow from hour at time zone 'Asia/Shanghai') >= 6 then 1.2 else 1 end)
             * (1 + 0.8 * exp(-power((extract(doy from hour) - 335) / 25.0, 2)))
             * (case when to_char(hour at time zone 'Asia/Shanghai', 'MM-DD') = '11-11' then 5 else 1 end) as w
      from generate_series(${start}::timestamptz, ${end}::timestamptz - interval '1 hour', interval '1 hour') hour),
    per_hour as (select hour, round(${count} * w / sum(w) over ())::int as n from hours),
    raw as (
      select hour + random() * interval '1 hour' as placed_at, random() as r1, random() as r2,
             random() as r3, random() as r4, random() as r5, random() as r6,
             random() as r7, random() as r8, random() as r9
      from per_hour cross join lateral generate_series(1, n))
    select gen_random_uuid() as id, row_number() over () as n, placed_at,
           (array['web','web','web','web','web','app','app','app','wechat','tmall'])[1 + floor(r1 * 10)::int] as channel,
           (array['CN-Shanghai','CN-Guangdong','CN-Beijing','CN-Zhejiang','CN-Jiangsu','CN-Sichuan',
                  'CN-Hubei','CN-Fujian','CN-Shandong','CN-Henan'])[1 + floor(r2 * 10)::int] as region,
           (array['alipay','alipay','alipay','alipay','wechatpay','wechatpay','wechatpay','sandbox','cod','cod'])[1 + floor(r3 * 10)::int] as payment_method,
           case when r4 < 0.9 then 'CNY' when r4 < 0.97 then 'USD' else 'EUR' end as currency,
           1 + floor(r5 * 3)::int as units,
           (1 + floor(r6 * 40)::int) as sku_no,
           r7 as outcome, r8 as speed, r9 as r_refused
    from raw`.execute(db);
  await sql`
    alter table synthetic add column grand_total bigint, add column category text, add column sku text,
      add column paid_at timestamptz, add column shipped_at timestamptz, add column delivered_at timestamptz,
      add column completed_at timestamptz, add column cancelled_at timestamptz, add column cancel_reason text,
      add column warehouse text, add column carrier text`.execute(db);
  await sql`
    update synthetic set
      sku = 'SYN-' || sku_no,
      category = (array['apparel','shoes','beauty','home','electronics'])[1 + sku_no % 5],
      grand_total = units * (990 + sku_no * 350),
      warehouse = (array['WH-SH','WH-GZ','WH-BJ'])[1 + sku_no % 3],
      carrier = (array['sf','zto','yto','jd'])[1 + floor(speed * 1000)::int % 4],
      cancelled_at = case when outcome < 0.08 then placed_at + interval '30 minutes' end,
      cancel_reason = case when outcome < 0.05 then 'payment_timeout' when outcome < 0.08 then 'buyer' end,
      paid_at = case when outcome >= 0.08 and payment_method <> 'cod'
                     then placed_at + (-ln(greatest(speed, 1e-6)) * 240) * interval '1 second' end`.execute(
    db,
  );
  // WH-BJ is slow to pick, jd slow to deliver: the bottlenecks the report should find
  await sql`
    update synthetic set shipped_at = coalesce(paid_at, placed_at)
      + (2 + speed * 30 + case when warehouse = 'WH-BJ' then 36 else 0 end) * interval '1 hour'
    where cancelled_at is null and outcome < 0.97`.execute(db);
  await sql`
    update synthetic set delivered_at = shipped_at
      + (20 + speed * 60 + case when carrier = 'jd' then 72 else 0 end) * interval '1 hour'
    where shipped_at is not null and outcome < 0.93`.execute(db);
  await sql`
    update synthetic set completed_at = delivered_at + interval '10 days',
      paid_at = case when payment_method = 'cod' then delivered_at else paid_at end
    where delivered_at is not null`.execute(db);
  await sql`
    insert into orders (id, number, channel, status, payment_status, fulfillment_status, payment_method,
      customer_email, currency, subtotal, shipping_total, discount_total, tax_total, grand_total,
      paid_total, placed_at, updated_at, cancelled_at, cancel_reason, delivered_at, completed_at)
    select id, 'SYN-' || n, channel,
           case when cancelled_at is not null then 'cancelled' when completed_at is not null then 'completed'
                when delivered_at is not null then 'delivered' when shipped_at is not null then 'shipped'
                when paid_at is not null then 'paid' else 'pending_payment' end,
           case when paid_at is not null then 'paid' else 'unpaid' end,
           case when delivered_at is not null then 'delivered' when shipped_at is not null then 'fulfilled'
                else 'unfulfilled' end,
           payment_method, 'syn' || n || '@example.com', currency, grand_total, 0, 0, 0, grand_total,
           case when paid_at is not null then grand_total else 0 end,
           placed_at, placed_at, cancelled_at, cancel_reason, delivered_at, completed_at
    from synthetic`.execute(db);
  await sql`
    insert into analytics_orders (order_id, placed_at, currency, channel, region, payment_method, grand_total,
      units, paid_at, pay_provider, shipped_at, warehouse, carrier, delivered_at, completed_at, cancelled_at,
      cancel_reason)
    select id, placed_at, currency, channel, region, payment_method, grand_total, units, paid_at,
           case when paid_at is not null then payment_method end, shipped_at,
           case when shipped_at is not null then warehouse end, case when shipped_at is not null then carrier end,
           delivered_at, completed_at, cancelled_at, cancel_reason
    from synthetic`.execute(db);
  await sql`
    insert into analytics_order_lines (order_id, sku, category, quantity, amount)
    select id, sku, category, units, grand_total from synthetic`.execute(db);
  await sql`
    insert into analytics_payments (payment_id, order_id, provider, succeeded, failed)
    select gen_random_uuid(), id, payment_method, paid_at is not null, speed < 0.03
    from synthetic where payment_method <> 'cod' and (paid_at is not null or speed < 0.03)`.execute(db);
  // ~4% of delivered orders come back (more for one category), a tenth of those rejected
  await sql`
    insert into analytics_returns (return_id, order_id, reason, rejected, refunded)
    select gen_random_uuid(), id, (array['size','damaged','not_as_described','changed_mind'])[1 + floor(speed * 4)::int],
           outcome > 0.925, outcome <= 0.925
    from synthetic where delivered_at is not null
      and outcome > 0.9 + case when category = 'shoes' then 0 else 0.02 end`.execute(db);
  await sql`
    insert into analytics_return_lines (return_id, sku, category, quantity)
    select r.return_id, s.sku, s.category, 1 from analytics_returns r join synthetic s on s.id = r.order_id`.execute(
    db,
  );
  // ~1 placement in 2,000 refused for stock, on the first SKUs
  await sql`
    insert into order_refusals (id, at, source, reason, channel, shortages)
    select gen_random_uuid(), placed_at, 'order', 'insufficient_stock', channel,
           jsonb_build_array(jsonb_build_object('sku', 'SYN-' || (1 + floor(speed * 5)::int), 'requested', 2, 'available', 0))
    from synthetic where r_refused < 0.0005`.execute(db);
  await sql`
    insert into analytics_dirty_marks (hour)
    select distinct date_trunc('hour', placed_at, 'UTC') from synthetic`.execute(db);
  const made = await sql<{ n: string }>`select count(*) as n from synthetic`.execute(db);
  await sql`drop table synthetic`.execute(db);
  return Number(made.rows[0]!.n);
}
