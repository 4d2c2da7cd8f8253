import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyticsModule, refreshAllRollups } from '../../src/modules/analytics/index.js';
import { type Relay, registerConsumers } from '../../src/modules/sync/index.js';
import { consumersOf } from '../../src/modules.js';
import { address, createProduct, createWarehouse, orderBody, setStock } from '../helpers/factories.js';
import { genericPush, paySandbox, ship } from '../helpers/lifecycle.js';
import { providerConfig } from '../helpers/providers.js';
import { startRelay, testSyncConfig, waitFor, withSync } from '../helpers/sync.js';
import { expectProblem, useTestApp } from '../helpers/test-app.js';

// A seeded data set pushed through the real API and the real relay into the analytics consumer; its
// event times are then spread over three days (as if it had happened so), and every figure the API
// gives is checked against SQL written here, over the orders, shipments and outbox themselves.

const N = 24;
const BASE = Date.parse('2026-11-20T10:00:00Z');
const MIN = 60_000;
const HOUR = 60 * MIN;
const PROVINCES = ['Shanghai', 'Guangdong', 'Beijing'];
const CHANNELS = ['web', 'app', 'wechat'];

/** When each step of order i happened: placements 47 minutes apart, lead times that vary by order. */
const timesOf = (i: number, carrier: string) => {
  const placed = BASE + i * 47 * MIN;
  const paid = placed + (1 + ((i * 7) % 40)) * MIN;
  // jd is slow to collect: its paid→shipped is a day longer (the bottleneck to find)
  const shipped = paid + (1 + (i % 9)) * HOUR + (carrier === 'jd' ? 24 * HOUR : 0);
  const delivered = shipped + (1 + (i % 3)) * 24 * HOUR + i * MIN;
  return { placed, paid, shipped, delivered };
};

describe('analytics figures against SQL of their own', () => {
  const t = useTestApp({ ...withSync(), providers: providerConfig() });
  let relay: Relay | undefined;
  const orderIds: string[] = [];

  beforeAll(async () => {
    const [cny1] = await createProduct(t(), [2599]);
    const [cny2] = await createProduct(t(), [999]);
    const [usd] = await createProduct(t(), [1500], 'USD');
    const wh = await createWarehouse(t());
    for (const s of [cny1!, cny2!, usd!]) await setStock(t(), s.sku, wh.code, 1000);

    for (let i = 0; i < N; i++) {
      const usdOrder = i % 5 === 4;
      const lines = usdOrder
        ? [{ sku: usd!.sku, quantity: 1 + (i % 2) }]
        : [{ sku: cny1!.sku, quantity: 1 + (i % 3) }, ...(i % 2 ? [{ sku: cny2!.sku, quantity: 2 }] : [])];
      const placed = await t().request({
        method: 'POST',
        url: '/v1/orders',
        payload: orderBody(lines, {
          channel: CHANNELS[i % 3],
          paymentMethod: i % 4 === 3 ? 'cod' : 'sandbox',
          addresses: { home: address({ province: PROVINCES[(i + 1) % 3]! }) },
        }),
      });
      expect(placed.statusCode, placed.body).toBe(201);
      const order = placed.json();
      orderIds.push(order.id);
      const cod = i % 4 === 3;
      if (i % 6 === 5) {
        const cancelled = await t().request({
          method: 'POST',
          url: `/v1/orders/${order.id}/cancel`,
          payload: { reason: i % 12 === 5 ? 'changed_mind' : 'found_cheaper' },
        });
        expect(cancelled.statusCode, cancelled.body).toBe(200);
        continue;
      }
      if (i % 6 === 4) continue; // left unpaid
      if (!cod) await paySandbox(t(), order.id);
      const carrier = i % 3 === 0 ? 'jd' : 'sf';
      const tracking = carrier === 'jd' ? `JDV${String(100000000000 + i)}` : `SF${String(100000000000 + i)}`;
      await ship(t(), order.id, wh.code, carrier, tracking);
      if (carrier === 'sf' && i % 2 === 0) {
        const pushed = await genericPush(t(), 'sf', tracking, [
          { id: `d-${i}`, time: new Date().toISOString(), status: 'delivered', description: 'Signed' },
        ]);
        expect(pushed.statusCode, pushed.body).toBe(200);
      }
    }

    // Spread the events over three days, and the orders' placement times with them.
    for (const [i, id] of orderIds.entries()) {
      const carrier = await t()
        .db.selectFrom('shipments')
        .select('carrier')
        .where('order_id', '=', id)
        .executeTakeFirst();
      const at = timesOf(i, carrier?.carrier ?? 'none');
      const moves: [string, number][] = [
        ['order.placed', at.placed],
        ['order.paid', at.paid],
        ['shipment.shipped', at.shipped],
        ['order.delivered', at.delivered],
      ];
      for (const [type, time] of moves) {
        await t()
          .db.updateTable('outbox')
          .set({ time: new Date(time) })
          .where('subject', '=', id)
          .where('type', '=', `com.ordersync.${type}`)
          .execute();
      }
      await t()
        .db.updateTable('orders')
        .set({ placed_at: new Date(at.placed) })
        .where('id', '=', id)
        .execute();
    }

    const transport = await registerConsumers(t().db, consumersOf([analyticsModule], t().app.services));
    relay = startRelay(t().db, testSyncConfig(), { consumer: transport });
    const wanted = await t()
      .db.selectFrom('outbox')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('subject', 'in', orderIds)
      .where(
        'type',
        'in',
        analyticsModule.consumes[0]!.eventTypes.map((e) => `com.ordersync.${e}`),
      )
      .executeTakeFirstOrThrow();
    await waitFor(
      async () => {
        const done = await t()
          .db.selectFrom('inbox')
          .select((eb) => eb.fn.countAll<string>().as('n'))
          .where('source', '=', 'consumer:analytics-facts')
          .executeTakeFirstOrThrow();
        return Number(done.n) >= Number(wanted.n);
      },
      { timeoutMs: 60_000, message: 'the analytics consumer to apply every event' },
    );
    expect(await refreshAllRollups(t().db)).toBeGreaterThan(0);
  }, 120_000);

  afterAll(async () => {
    await relay?.stop();
  });

  const get = async (url: string) => {
    const res = await t().request({ method: 'GET', url });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };
  const range = `from=${new Date(BASE - 24 * HOUR).toISOString()}&to=${new Date(BASE + 3 * 24 * HOUR).toISOString()}`;

  it('gives orders, GMV and units per Shanghai day, currency and channel as the orders table has them', async () => {
    const report = await get(`/v1/analytics/sales?${range}&granularity=day&tz=Asia/Shanghai&by=channel`);
    const { rows } = await sql<{
      start: Date;
      currency: string;
      key: string;
      orders: number;
      gmv: number;
      units: number;
    }>`
      select date_trunc('day', o.placed_at, 'Asia/Shanghai') as start, o.currency, o.channel as key,
             count(*)::int as orders, sum(o.grand_total)::int as gmv,
             sum((select sum(quantity) from order_lines l where l.order_id = o.id))::int as units
      from orders o where o.id = any(${orderIds}::uuid[])
      group by 1, 2, 3 order by 1, 2, 3`.execute(t().db);
    const got = report.series.flatMap((s: { currency: string; key: string; buckets: { start: string }[] }) =>
      s.buckets.map((b) => ({ ...b, currency: s.currency, key: s.key })),
    );
    const want = rows.map((r) => ({
      start: new Date(r.start).toISOString(),
      currency: r.currency,
      key: r.key,
      orders: r.orders,
      gmv: r.gmv,
      units: r.units,
      aov: Math.round(r.gmv / r.orders),
    }));
    const order = (a: { start: string; currency: string; key: string }) => `${a.start}${a.currency}${a.key}`;
    expect(got.sort((a: never, b: never) => order(a).localeCompare(order(b)))).toEqual(
      want.sort((a, b) => order(a).localeCompare(order(b))),
    );
    // Shanghai days start at 16:00 UTC; currencies are never summed together
    expect(new Set(got.map((b: { start: string }) => b.start.slice(11)))).toEqual(new Set(['16:00:00.000Z']));
    expect(new Set(report.series.map((s: { currency: string }) => s.currency))).toEqual(
      new Set(['CNY', 'USD']),
    );
  });

  it('compares with the previous period, and splits by region and category as SQL does', async () => {
    const from = new Date(BASE + 12 * HOUR);
    const to = new Date(BASE + 18 * HOUR);
    const report = await get(
      `/v1/analytics/sales?from=${from.toISOString()}&to=${to.toISOString()}&granularity=hour&by=region`,
    );
    const count = async (a: Date, b: Date) => {
      const { rows } = await sql<{ key: string; orders: number; gmv: number }>`
        select a.country || '-' || a.province as key, count(*)::int as orders, sum(o.grand_total)::int as gmv
        from orders o join order_addresses a on a.order_id = o.id
        where o.id = any(${orderIds}::uuid[]) and o.currency = 'CNY' and o.placed_at >= ${a} and o.placed_at < ${b}
        group by 1 order by 1`.execute(t().db);
      return rows;
    };
    const cny = report.series.filter((s: { currency: string }) => s.currency === 'CNY');
    const pick = (field: 'total' | 'previousTotal') =>
      cny
        .filter((s: Record<string, { orders: number }>) => s[field]!.orders > 0)
        .map((s: Record<string, { orders: number; gmv: number }> & { key: string }) => ({
          key: s.key,
          orders: s[field]!.orders,
          gmv: s[field]!.gmv,
        }))
        .sort((a: { key: string }, b: { key: string }) => a.key.localeCompare(b.key));
    expect(pick('total')).toEqual(await count(from, to));
    expect(pick('previousTotal')).toEqual(await count(new Date(from.getTime() - 6 * HOUR), from));

    const byCategory = await get(`/v1/analytics/sales?${range}&granularity=month&by=category`);
    const { rows } = await sql<{ currency: string; key: string; units: number; gmv: number }>`
      select o.currency, c.name as key, sum(l.quantity)::int as units, sum(l.line_total)::int as gmv
      from orders o join order_lines l on l.order_id = o.id
      join products p on p.id = l.product_id join categories c on c.id = p.category_id
      where o.id = any(${orderIds}::uuid[]) group by 1, 2 order by 1, 2`.execute(t().db);
    expect(
      byCategory.series.map(
        (s: { currency: string; key: string; total: { units: number; gmv: number } }) => ({
          currency: s.currency,
          key: s.key,
          units: s.total.units,
          gmv: s.total.gmv,
        }),
      ),
    ).toEqual(rows);
  });

  it('keeps the series with the most orders apart up to `limit` and sums the rest per currency, as SQL does', async () => {
    // every (currency, channel) of the data set, ranked as the API documents it: orders, units, code point
    const { rows: ranked } = await sql<{ currency: string; key: string }>`
      select o.currency, o.channel as key
      from orders o join (select order_id, sum(quantity) as units from order_lines group by 1) u on u.order_id = o.id
      where o.id = any(${orderIds}::uuid[])
      group by 1, 2 order by count(*) desc, sum(u.units) desc, o.currency collate "C", o.channel collate "C"`.execute(
      t().db,
    );
    expect(ranked.length).toBeGreaterThan(3);
    const kept = ranked.slice(0, 3).map((r) => `${r.currency}/${r.key}`);
    const { rows } = await sql<{ start: Date; currency: string; key: string; orders: number; gmv: number }>`
      select date_trunc('day', o.placed_at, 'UTC') as start, o.currency,
             case when o.currency || '/' || o.channel = any(${kept}::text[]) then o.channel else 'other' end as key,
             count(*)::int as orders, sum(o.grand_total)::int as gmv
      from orders o where o.id = any(${orderIds}::uuid[])
      group by 1, 2, 3`.execute(t().db);
    const report = await get(`/v1/analytics/sales?${range}&granularity=day&by=channel&limit=3`);
    expect(report.limit).toBe(3);
    const got = report.series.flatMap(
      (s: {
        currency: string;
        key: string;
        other: boolean;
        buckets: { start: string; orders: number; gmv: number }[];
      }) =>
        s.buckets.map((b) => ({
          start: b.start,
          currency: s.currency,
          key: s.other ? 'other' : s.key,
          orders: b.orders,
          gmv: b.gmv,
        })),
    );
    const want = rows.map((r) => ({ ...r, start: new Date(r.start).toISOString() }));
    const order = (a: { start: string; currency: string; key: string }) => `${a.start}${a.currency}${a.key}`;
    expect(got.sort((a: never, b: never) => order(a).localeCompare(order(b)))).toEqual(
      want.sort((a, b) => order(a).localeCompare(order(b))),
    );
    // the kept series are the three ranked first, "other" one per currency that has more
    expect(
      report.series
        .filter((s: { other: boolean }) => !s.other)
        .map((s: { currency: string; key: string }) => `${s.currency}/${s.key}`)
        .sort(),
    ).toEqual([...kept].sort());
    const others = report.series.filter((s: { other: boolean }) => s.other);
    expect(others.map((s: { key: string }) => s.key)).toEqual(others.map(() => 'other'));
    expect(new Set(others.map((s: { currency: string }) => s.currency)).size).toBe(others.length);
    // without a limit the default (20) keeps every series of this data set apart
    const all = await get(`/v1/analytics/sales?${range}&granularity=day&by=channel`);
    expect(all.limit).toBe(20);
    expect(all.series.filter((s: { other: boolean }) => s.other)).toEqual([]);
    expect(all.series.length).toBe(ranked.length);
  });

  it('sums whole months (UTC and Shanghai) from the monthly rollup, ranking SKUs as SQL does', async () => {
    // per month of the zone, currency and SKU: an order counts once in each of its SKUs
    const perSku = (tz: string) =>
      sql<{
        month: Date;
        currency: string;
        sku: string;
        orders: number;
        gmv: number;
        units: number;
      }>`
      select date_trunc('month', o.placed_at, ${tz}) as month, o.currency, l.sku, count(distinct o.id)::int as orders,
             sum(l.line_total)::int as gmv, sum(l.quantity)::int as units
      from orders o join order_lines l on l.order_id = o.id
      where o.id = any(${orderIds}::uuid[]) group by 1, 2, 3`.execute(t().db);
    // 92 days around November: its whole month is read from the monthly rows, in either zone
    for (const tz of ['UTC', 'Asia/Shanghai']) {
      const { rows } = await perSku(tz);
      const totals = new Map<string, { currency: string; sku: string; orders: number; units: number }>();
      for (const r of rows) {
        const id = `${r.currency}/${r.sku}`;
        const s = totals.get(id) ?? { currency: r.currency, sku: r.sku, orders: 0, units: 0 };
        s.orders += r.orders;
        s.units += r.units;
        totals.set(id, s);
      }
      const cp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
      const [top] = [...totals.values()].sort(
        (a, b) => b.orders - a.orders || b.units - a.units || cp(a.currency, b.currency) || cp(a.sku, b.sku),
      );
      const want = new Map<
        string,
        { start: string; currency: string; key: string; orders: number; gmv: number }
      >();
      for (const r of rows) {
        const key = r.currency === top!.currency && r.sku === top!.sku ? r.sku : 'other';
        const id = `${new Date(r.month).toISOString()}${r.currency}${key}`;
        const w = want.get(id) ?? {
          start: new Date(r.month).toISOString(),
          currency: r.currency,
          key,
          orders: 0,
          gmv: 0,
        };
        w.orders += r.orders;
        w.gmv += r.gmv;
        want.set(id, w);
      }
      const report = await get(
        `/v1/analytics/sales?from=2026-10-01T00:00:00Z&to=2027-01-01T00:00:00Z&granularity=month&by=sku&limit=1&tz=${tz}`,
      );
      const got = report.series.flatMap(
        (s: { currency: string; key: string; buckets: { start: string; orders: number; gmv: number }[] }) =>
          s.buckets.map((b) => ({
            start: b.start,
            currency: s.currency,
            key: s.key,
            orders: b.orders,
            gmv: b.gmv,
          })),
      );
      const order = (a: { start: string; currency: string; key: string }) =>
        `${a.start}${a.currency}${a.key}`;
      expect(
        got.sort((a: never, b: never) => order(a).localeCompare(order(b))),
        tz,
      ).toEqual([...want.values()].sort((a, b) => order(a).localeCompare(order(b))));
    }
    // the monthly rows themselves, per UTC month, currency and SKU
    const { rows: utc } = await perSku('UTC');
    const { rows: monthly } = await sql<{ month: Date; currency: string; sku: string; orders: number }>`
      select month, currency, value as sku, orders from analytics_sales_by_month
      where zone = 'UTC' and dimension = 'sku' and value = any(${[...new Set(utc.map((r) => r.sku))]}::text[])`.execute(
      t().db,
    );
    const key = (r: { month: Date; currency: string; sku: string; orders: number }) =>
      `${new Date(r.month).toISOString()} ${r.currency} ${r.sku} ${r.orders}`;
    expect(monthly.map(key).sort()).toEqual(utc.map(key).sort());
    // a previous period of whole months (September's end, October, November): totals per SKU from them
    const later = await get('/v1/analytics/sales?from=2026-12-01T00:00:00Z&to=2027-03-01T00:00:00Z&by=sku');
    const previous = later.series
      .map((s: { currency: string; key: string; previousTotal: { orders: number; units: number } }) => ({
        currency: s.currency,
        sku: s.key,
        orders: s.previousTotal.orders,
        units: s.previousTotal.units,
      }))
      .sort((a: { sku: string }, b: { sku: string }) => a.sku.localeCompare(b.sku));
    const { rows: whole } = await sql<{ currency: string; sku: string; orders: number; units: number }>`
      select o.currency, l.sku, count(distinct o.id)::int as orders, sum(l.quantity)::int as units
      from orders o join order_lines l on l.order_id = o.id
      where o.id = any(${orderIds}::uuid[]) group by 1, 2 order by 2`.execute(t().db);
    expect(previous).toEqual(whole);
  });

  it('counts the funnel and the lost orders as the outbox and the orders table tell them', async () => {
    const funnel = await get(`/v1/analytics/funnel?${range}`);
    const reached = async (type: string) => {
      const row = await t()
        .db.selectFrom('outbox')
        .select(sql<number>`count(distinct subject)::int`.as('n'))
        .where('subject', 'in', orderIds)
        .where('type', '=', `com.ordersync.${type}`)
        .executeTakeFirstOrThrow();
      return row.n;
    };
    expect(funnel.stages.map((s: { orders: number }) => s.orders)).toEqual([
      0, // no carts in this data set
      0,
      N,
      await reached('order.paid'),
      await reached('shipment.shipped'),
      await reached('order.delivered'),
      await reached('order.completed'),
    ]);
    const { rows } = await sql<{ reason: string; orders: number }>`
      select cancel_reason as reason, count(*)::int as orders from orders
      where id = any(${orderIds}::uuid[]) and status = 'cancelled' group by 1 order by 2 desc, 1`.execute(
      t().db,
    );
    expect(funnel.lost.cancellations).toEqual(rows);
    expect(rows.length).toBeGreaterThan(1);
  });

  it('gives lead-time p50/p90 per carrier within the stated bucket error, and finds the slow carrier', async () => {
    const report = await get(`/v1/analytics/lead-times?${range}&by=carrier`);
    // nearest-rank percentiles straight from the event times and the shipments table
    const { rows } = await sql<{ stage: string; value: string; p50: number; p90: number; n: number }>`
      with t as (
        select o.subject,
               min(o.time) filter (where o.type = 'com.ordersync.order.placed') as placed,
               min(o.time) filter (where o.type = 'com.ordersync.order.paid') as paid,
               min(o.time) filter (where o.type = 'com.ordersync.shipment.shipped') as shipped,
               min(o.time) filter (where o.type = 'com.ordersync.order.delivered') as delivered
        from outbox o where o.subject = any(${orderIds.map(String)}::text[]) group by 1),
      d as (
        select s.carrier as value, v.stage, v.seconds
        from t join shipments s on s.order_id::text = t.subject
        cross join lateral (values
          ('placed_paid', extract(epoch from t.paid - t.placed)),
          ('paid_shipped', extract(epoch from t.shipped - t.paid)),
          ('shipped_delivered', extract(epoch from t.delivered - t.shipped))) v(stage, seconds)
        where v.seconds is not null)
      select stage, value, count(*)::int as n,
             percentile_disc(0.5) within group (order by seconds)::float8 as p50,
             percentile_disc(0.9) within group (order by seconds)::float8 as p90
      from d group by 1, 2 order by 1, 2`.execute(t().db);
    expect(rows.length).toBeGreaterThan(3);
    for (const want of rows) {
      const stage = report.stages.find((s: { stage: string }) => s.stage === want.stage);
      const got = stage.values.find((v: { value: string }) => v.value === want.value);
      expect(got.orders, `${want.stage} ${want.value}`).toBe(want.n);
      for (const [p, exact] of [
        ['p50Seconds', want.p50],
        ['p90Seconds', want.p90],
      ] as const) {
        expect(Math.abs(got[p] / exact - 1), `${want.stage} ${want.value} ${p}`).toBeLessThanOrEqual(
          report.relativeError + 1e-9,
        );
      }
    }
    const paidShipped = report.stages.find((s: { stage: string }) => s.stage === 'paid_shipped');
    expect(paidShipped.bottlenecks).toEqual(['jd']);
    // the same orders through whole ISO weeks (Nov 9–30 and days either side), then a whole month
    // (November, and days of October and December): the coarse histograms give the same answer
    for (const [from, to] of [
      ['2026-11-05', '2026-11-30'],
      ['2026-10-25', '2026-12-10'],
    ]) {
      const longer = await get(
        `/v1/analytics/lead-times?from=${from}T00:00:00Z&to=${to}T00:00:00Z&by=carrier`,
      );
      expect(longer.stages, `${from}..${to}`).toEqual(report.stages);
    }
  });

  it('gives payment attempts and success per provider as the outbox has them', async () => {
    const report = await get(`/v1/analytics/payments?${range}`);
    const { rows } = await sql<{ provider: string; attempts: number; succeeded: number }>`
      select data->'payment'->>'provider' as provider,
             count(*) filter (where type = 'com.ordersync.payment.created')::int as attempts,
             count(*) filter (where type = 'com.ordersync.payment.succeeded')::int as succeeded
      from outbox where subject = any(${orderIds.map(String)}::text[])
        and type in ('com.ordersync.payment.created', 'com.ordersync.payment.succeeded')
      group by 1 order by 1`.execute(t().db);
    expect(
      report.providers.map((p: { provider: string; attempts: number; succeeded: number }) => ({
        provider: p.provider,
        attempts: p.attempts,
        succeeded: p.succeeded,
      })),
    ).toEqual(rows);
    expect(report.providers[0].timeToPay.orders).toBeGreaterThan(0);
  });

  it('answers bad input with a 400 naming the field', async () => {
    const bad = [
      `/v1/analytics/sales?${range}&granularity=fortnight`,
      `/v1/analytics/sales?${range}&tz=Mars/Olympus`,
      `/v1/analytics/sales?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z`,
      `/v1/analytics/sales?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z&granularity=hour`,
      `/v1/analytics/lead-times?from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z`,
      `/v1/analytics/sales?${range}&by=sku&limit=0`,
      `/v1/analytics/sales?${range}&by=sku&limit=201`,
    ];
    for (const url of bad) expectProblem(await t().request({ method: 'GET', url }), 400);
  });
});
