import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyticsModule, refreshAllRollups } from '../../src/modules/analytics/index.js';
import { importHistoricalOrders } from '../../src/modules/orders/index.js';
import { type Relay, registerConsumers } from '../../src/modules/sync/index.js';
import { consumersOf } from '../../src/modules.js';
import { address, createProduct, createWarehouse, orderBody, setStock } from '../helpers/factories.js';
import { genericPush, paySandbox, ship } from '../helpers/lifecycle.js';
import { providerConfig } from '../helpers/providers.js';
import { startRelay, testSyncConfig, waitFor, withSync } from '../helpers/sync.js';
import { expectProblem, useTestApp } from '../helpers/test-app.js';

// Carts, checkouts, stockouts, returns, stock cover and imported history through the real API, the
// real relay and the refresh job, each figure checked against SQL over the shop's own tables.

describe('analytics reports of carts, stockouts, returns, stock and history', () => {
  const t = useTestApp({ ...withSync(), providers: providerConfig() });
  let relay: Relay | undefined;
  const start = new Date(Date.now() - 3 * 86_400_000).toISOString();
  const range = () => `from=${start}&to=${new Date(Date.now() + 3_600_000).toISOString()}`;
  let scarce = '';
  let plenty = '';
  let nearCode = '';
  const delivered: { id: string; lines: { id: string; sku: string }[] }[] = [];

  const post = async (url: string, payload: object, status = 201) => {
    const res = await t().request({ method: 'POST', url, payload });
    expect(res.statusCode, res.body).toBe(status);
    return res.json();
  };

  beforeAll(async () => {
    const [a] = await createProduct(t(), [1200]);
    const [b] = await createProduct(t(), [300]);
    scarce = a!.sku;
    plenty = b!.sku;
    const wh = await createWarehouse(t());
    await setStock(t(), scarce, wh.code, 5);
    await setStock(t(), plenty, wh.code, 100);

    // four orders delivered: scarce × 1, plenty × 2 each
    for (let i = 0; i < 4; i++) {
      const order = await post(
        '/v1/orders',
        orderBody([
          { sku: scarce, quantity: 1 },
          { sku: plenty, quantity: 2 },
        ]),
      );
      await paySandbox(t(), order.id);
      const tracking = `SF${String(200000000000 + i)}`;
      await ship(t(), order.id, wh.code, 'sf', tracking);
      await genericPush(t(), 'sf', tracking, [
        { id: `d-${i}`, time: new Date().toISOString(), status: 'delivered', description: 'Signed' },
      ]);
      const detail = (await t().request({ method: 'GET', url: `/v1/orders/${order.id}` })).json();
      delivered.push({ id: order.id, lines: detail.lines.map((l: { id: string; sku: string }) => l) });
    }
    // two placements refused for stock (1 left of the scarce SKU)
    for (const quantity of [3, 7]) {
      const refused = await t().request({
        method: 'POST',
        url: '/v1/orders',
        payload: orderBody([{ sku: scarce, quantity }]),
      });
      expectProblem(refused, 409);
    }
    // three carts: one left open, one checked out, one refused at checkout for stock
    await post('/v1/carts', {});
    const ok = await post('/v1/carts', {});
    await post(`/v1/carts/${ok.id}/items`, { sku: plenty, quantity: 1 });
    const checkout = {
      customer: { email: 'cart@example.com' },
      addresses: { home: address() },
      paymentMethod: 'cod',
    };
    await post(`/v1/carts/${ok.id}/checkout`, checkout);
    const short = await post('/v1/carts', {});
    await post(`/v1/carts/${short.id}/items`, { sku: plenty, quantity: 1 });
    await sql`update cart_items set sku = ${scarce}, quantity = 4 where cart_id = ${short.id}`.execute(
      t().db,
    );
    expectProblem(
      await t().request({ method: 'POST', url: `/v1/carts/${short.id}/checkout`, payload: checkout }),
      409,
    );
    // a nearer warehouse stocking the plenty SKU only: the next order of it is reserved there
    const near = await createWarehouse(t(), { priority: 1 });
    nearCode = near.code;
    await setStock(t(), plenty, near.code, 10);
    await post('/v1/orders', orderBody([{ sku: plenty, quantity: 3 }]));
    // returns: the scarce SKU of order 0 (kept), the plenty SKU of order 1 (rejected: not counted)
    const lineOf = (o: (typeof delivered)[number], sku: string) => o.lines.find((l) => l.sku === sku)!.id;
    await post(`/v1/orders/${delivered[0]!.id}/returns`, {
      type: 'return_refund',
      reason: 'defective',
      lines: [{ lineId: lineOf(delivered[0]!, scarce), quantity: 1 }],
    });
    const rejected = await post(`/v1/orders/${delivered[1]!.id}/returns`, {
      type: 'return_refund',
      reason: 'defective',
      lines: [{ lineId: lineOf(delivered[1]!, plenty), quantity: 2 }],
    });
    await post(`/v1/returns/${rejected.id}/reject`, { note: 'worn' }, 200);
    // history: two orders of an earlier system, yesterday
    await importHistoricalOrders(t().db, [
      historical('H-1', [{ sku: scarce, quantity: 2 }]),
      historical('H-2', [{ sku: 'OLD-1', quantity: 5 }]),
    ]);

    const transport = await registerConsumers(t().db, consumersOf([analyticsModule], t().app.services));
    relay = startRelay(t().db, testSyncConfig(), { consumer: transport });
    const types = analyticsModule.consumes[0]!.eventTypes.map((e) => `com.ordersync.${e}`);
    await waitFor(
      async () => {
        const { rows } = await sql<{ left: number }>`
          select count(*)::int as left from outbox o
          where o.type = any(${types}::text[])
            and not exists (select 1 from inbox i where i.source = 'consumer:analytics-facts' and i.message_id = o.id::text)`.execute(
          t().db,
        );
        return rows[0]!.left === 0;
      },
      { timeoutMs: 60_000, message: 'the analytics consumer to apply every event' },
    );
    await refreshAllRollups(t().db);
  }, 120_000);

  afterAll(async () => {
    await relay?.stop();
  });

  const historical = (number: string, lines: { sku: string; quantity: number }[]) => ({
    number,
    channel: 'legacy',
    placedAt: new Date(Date.now() - 86_400_000),
    currency: 'CNY',
    customer: { email: `${number}@example.com`, name: null },
    lines: lines.map((l) => ({ ...l, title: l.sku, unitPrice: 1000 })),
    shippingTotal: 0,
    source: { test: true },
  });

  const get = async (url: string) => {
    const res = await t().request({ method: 'GET', url });
    expect(res.statusCode, res.body).toBe(200);
    return res.json();
  };

  it('counts carts created and checkouts started before the orders placed and paid', async () => {
    const funnel = await get(`/v1/analytics/funnel?${range()}`);
    const stage = (s: string) => funnel.stages.find((x: { stage: string }) => x.stage === s).orders;
    const { rows } = await sql<{ carts: number; checked: number; orders: number; paid: number }>`
      select (select count(*)::int from carts) as carts,
             (select count(*)::int from carts where status = 'checked_out') as checked,
             (select count(*)::int from orders) as orders,
             (select count(*)::int from orders where payment_status = 'paid') as paid`.execute(t().db);
    const want = rows[0]!;
    expect(stage('carts_created')).toBe(want.carts);
    expect(stage('checkouts_started')).toBe(want.checked + 1); // and the one refused
    expect(stage('placed')).toBe(want.orders);
    expect(stage('paid')).toBe(want.paid);
    expect(funnel.checkouts).toEqual({
      checkedOut: want.checked,
      refused: [{ reason: 'insufficient_stock', carts: 1 }],
    });
  });

  it('counts placements refused for stock per SKU and day, with the units short', async () => {
    const report = await get(`/v1/analytics/stockouts?${range()}`);
    const { rows } = await sql<{ sku: string; n: number; short: number }>`
      select s.sku, count(*)::int as n, sum(s.requested - s.available)::int as short
      from order_refusals r cross join lateral jsonb_to_recordset(r.shortages) s(sku text, requested int, available int)
      group by 1`.execute(t().db);
    expect(rows).toEqual([{ sku: scarce, n: 3, short: 2 + 6 + 3 }]);
    const got = report.days.filter((d: { sku: string }) => d.sku === scarce);
    expect(got.reduce((n: number, d: { refusedPlacements: number }) => n + d.refusedPlacements, 0)).toBe(3);
    expect(got.reduce((n: number, d: { unitsShort: number }) => n + d.unitsShort, 0)).toBe(11);
  });

  it('gives return rates per SKU as units returned (not rejected) over units sold', async () => {
    const report = await get(`/v1/analytics/returns?${range()}&by=sku`);
    const { rows } = await sql<{ sku: string; sold: number }>`
      select sku, sum(quantity)::int as sold from order_lines group by 1 order by 1`.execute(t().db);
    for (const r of rows) {
      const got = report.rows.find((x: { key: string }) => x.key === r.sku);
      const returned = r.sku === scarce ? 1 : 0;
      expect(got, r.sku).toMatchObject({
        unitsSold: r.sold,
        unitsReturned: returned,
        returnRate: returned / r.sold,
      });
    }
    const byReason = await get(`/v1/analytics/returns?${range()}&by=reason`);
    expect(byReason.rows).toEqual([
      expect.objectContaining({ key: 'defective', returns: 1, unitsReturned: 1 }),
    ]);
  });

  it('gives units sold per day, sellable stock and days of cover per SKU', async () => {
    const report = await get('/v1/analytics/stock?days=7&restockDays=30');
    const { rows } = await sql<{ sku: string; sold: number; sellable: number }>`
      select l.sku, sum(l.quantity)::int as sold,
             (select coalesce(sum(on_hand - reserved - safety_stock), 0)::int from stock_levels s where s.sku = l.sku) as sellable
      from order_lines l group by 1`.execute(t().db);
    for (const r of rows) {
      const got = report.skus.find((s: { sku: string }) => s.sku === r.sku);
      expect(got, r.sku).toMatchObject({ unitsSold: r.sold, unitsPerDay: r.sold / 7 });
      if (r.sku !== 'OLD-1') {
        expect(got.sellable).toBe(Math.max(r.sellable, 0));
        expect(got.daysOfCover).toBeCloseTo(got.sellable / (r.sold / 7), 9);
      }
    }
    expect(report.skus.find((s: { sku: string }) => s.sku === scarce).stockouts.refusedPlacements).toBe(3);
    expectProblem(await t().request({ method: 'GET', url: '/v1/analytics/stock?days=0' }), 400);
  });

  it('gives velocity and days of cover per SKU × warehouse, from where the units were reserved', async () => {
    const report = await get('/v1/analytics/stock?days=7&restockDays=30');
    // by hand: units reserved per SKU and warehouse, and the stock level there now
    const { rows } = await sql<{
      sku: string;
      warehouse: string;
      sold: number;
      on_hand: number;
      sellable: number;
    }>`
      select r.sku, w.code as warehouse, sum(r.quantity)::int as sold,
             max(s.on_hand) as on_hand, max(greatest(0, s.on_hand - s.reserved - s.safety_stock)) as sellable
      from reservations r join warehouses w on w.id = r.warehouse_id
      join stock_levels s on s.sku = r.sku and s.warehouse_id = r.warehouse_id
      group by 1, 2 order by 1, 2`.execute(t().db);
    expect(rows.length).toBeGreaterThan(2);
    for (const r of rows) {
      const sku = report.skus.find((s: { sku: string }) => s.sku === r.sku);
      const got = sku.warehouses.find((w: { warehouse: string }) => w.warehouse === r.warehouse);
      expect(got, `${r.sku} @ ${r.warehouse}`).toMatchObject({
        unitsSold: r.sold,
        unitsPerDay: r.sold / 7,
        onHand: r.on_hand,
        sellable: r.sellable,
        runsOutBeforeRestock: r.sellable / (r.sold / 7) < 30,
      });
      expect(got.daysOfCover).toBeCloseTo(r.sellable / (r.sold / 7), 9);
    }
    // the plenty SKU sold from both warehouses: the order placed after the near one opened went there
    const plentyRow = report.skus.find((s: { sku: string }) => s.sku === plenty);
    expect(plentyRow.warehouses.find((w: { warehouse: string }) => w.warehouse === nearCode).unitsSold).toBe(
      3,
    );
    expect(plentyRow.warehouses.length).toBe(2);
    // every unit of a SKU with reservations is in one of its warehouses
    const sum = plentyRow.warehouses.reduce((n: number, w: { unitsSold: number }) => n + w.unitsSold, 0);
    expect(sum).toBe(plentyRow.unitsSold);
  });

  it('sees the imported history in sales, by channel', async () => {
    const report = await get(`/v1/analytics/sales?${range()}&granularity=day&by=channel`);
    const legacy = report.series.find((s: { key: string }) => s.key === 'legacy');
    const { rows } = await sql<{ orders: number; gmv: number }>`
      select count(*)::int as orders, sum(grand_total)::int as gmv from orders where channel = 'legacy'`.execute(
      t().db,
    );
    expect(legacy.total).toMatchObject(rows[0]!);
    expect(rows[0]!.orders).toBe(2);
  });
});
