import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyticsModule, refreshAllRollups, refreshRollups } from '../../src/modules/analytics/index.js';
import { type Relay, registerConsumers } from '../../src/modules/sync/index.js';
import { consumersOf } from '../../src/modules.js';
import { createProduct, createWarehouse, orderBody, setStock } from '../helpers/factories.js';
import { genericPush, paySandbox, ship } from '../helpers/lifecycle.js';
import { providerConfig } from '../helpers/providers.js';
import { startRelay, testSyncConfig, waitFor, withSync } from '../helpers/sync.js';
import { useTestApp } from '../helpers/test-app.js';

// The refresh adds newly placed orders' share to the rollup rows and applies changed orders' difference
// from what it rolled up (a rebuild recomputes every hour): after rounds of both, mixed, every rollup row must be what a rebuild of every hour
// from the facts gives (that rebuild is checked against SQL of its own in analytics-figures.test.ts).
// The changes cover every event the facts take after placement (payment, shipment, delivery,
// cancellation, a return requested and refunded, one rejected), to orders placed in the round's hour
// and to orders placed a day before, so a refresh that applies a change twice, or misses one, differs.

const ROLLUPS = [
  'analytics_sales_by_hour',
  'analytics_sales_by_day',
  'analytics_sales_by_month',
  'analytics_funnel_hourly',
  'analytics_funnel_daily',
  'analytics_payments_hourly',
  'analytics_payments_daily',
  'analytics_returns_by_hour',
  'analytics_returns_by_day',
  'analytics_lead_times_daily',
  'analytics_lead_times_weekly',
  'analytics_lead_times_monthly',
  'analytics_sku_warehouse_by_day',
];

describe("rollup refresh: new orders added, changed orders' difference applied", () => {
  const t = useTestApp({ ...withSync(), providers: providerConfig() });
  let relay: Relay | undefined;
  let skus: string[] = [];
  let warehouse = '';

  beforeAll(async () => {
    const [a, b] = await createProduct(t(), [2599, 999]);
    const [usd] = await createProduct(t(), [1500], 'USD');
    warehouse = (await createWarehouse(t())).code;
    skus = [a!.sku, b!.sku, usd!.sku];
    for (const sku of skus) await setStock(t(), sku, warehouse, 1000);
    const transport = await registerConsumers(t().db, consumersOf([analyticsModule], t().app.services));
    relay = startRelay(t().db, testSyncConfig(), { consumer: transport });
  });

  afterAll(async () => {
    await relay?.stop();
  });

  const place = async (i: number, paymentMethod = 'cod') => {
    const lines =
      i % 3 === 2
        ? [{ sku: skus[2]!, quantity: 1 }]
        : [{ sku: skus[0]!, quantity: 1 + (i % 2) }, ...(i % 2 ? [{ sku: skus[1]!, quantity: 2 }] : [])];
    const res = await t().request({
      method: 'POST',
      url: '/v1/orders',
      payload: orderBody(lines, { paymentMethod, channel: ['web', 'app'][i % 2] }),
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json().id as string;
  };

  /** Waits until the consumer has applied every event it takes. */
  const settle = () =>
    waitFor(
      async () => {
        const { rows } = await sql<{ behind: number }>`
          select (select count(*) from outbox where type = any(${analyticsModule.consumes[0]!.eventTypes.map((e) => `com.ordersync.${e}`)}::text[]))
               - (select count(*) from inbox where source = 'consumer:analytics-facts') as behind`.execute(
          t().db,
        );
        return Number(rows[0]!.behind) === 0;
      },
      { timeoutMs: 30_000, message: 'the analytics consumer to apply every event' },
    );

  const marks = async () => {
    const { rows } = await sql<{ added: number; changed: number; whole: number }>`
      select count(*) filter (where placed is not null)::int as added,
             count(*) filter (where changed is not null)::int as changed,
             count(*) filter (where placed is null and changed is null)::int as whole
      from analytics_dirty_marks`.execute(t().db);
    return rows[0]!;
  };

  const snapshot = async () => {
    const out: Record<string, string[]> = {};
    for (const table of ROLLUPS) {
      const { rows } = await sql<{
        r: string;
      }>`select to_jsonb(t)::text as r from ${sql.table(table)} t order by 1`.execute(t().db);
      out[table] = rows.map((r) => r.r);
    }
    return out;
  };

  /** Every rollup emptied and rebuilt from the facts: every hour with orders marked as changed. */
  const rebuild = async () => {
    for (const table of ROLLUPS) await sql`delete from ${sql.table(table)}`.execute(t().db);
    await sql`insert into analytics_dirty_marks (hour)
              select distinct date_trunc('hour', placed_at, 'UTC') from analytics_orders`.execute(t().db);
    await refreshAllRollups(t().db);
  };

  /** The rollups as the refresh left them, which a rebuild of every hour from the facts must give too. */
  const sameAsRebuild = async () => {
    const refreshed = await snapshot();
    await rebuild();
    expect(refreshed).toEqual(await snapshot());
    return refreshed;
  };

  const request = async (url: string, payload: Record<string, unknown> = {}) => {
    const res = await t().request({ method: 'POST', url, payload });
    expect(res.statusCode, `${url}: ${res.body}`).toBeLessThan(300);
    return res.json();
  };
  const deliver = async (carrier: string, tracking: string) => {
    const pushed = await genericPush(t(), carrier, tracking, [
      { id: `${tracking}-d`, time: new Date().toISOString(), status: 'delivered', description: 'Signed' },
    ]);
    expect(pushed.statusCode, pushed.body).toBe(200);
  };
  /** A return of the order's first line, one unit: approved, received and refunded, or rejected. */
  const returnOne = async (orderId: string, outcome: 'refund' | 'reject') => {
    const order = (await t().request({ method: 'GET', url: `/v1/orders/${orderId}` })).json();
    const ret = await request(`/v1/orders/${orderId}/returns`, {
      type: 'return_refund',
      reason: outcome === 'refund' ? 'defective' : 'damaged_in_transit',
      lines: [{ lineId: order.lines[0].id, quantity: 1 }],
    });
    if (outcome === 'reject') return request(`/v1/returns/${ret.id}/reject`, { note: 'worn' });
    await request(`/v1/returns/${ret.id}/approve`);
    await request(`/v1/returns/${ret.id}/receive`, { warehouse, sellable: true });
    return request(`/v1/returns/${ret.id}/refund`);
  };

  it('gives, round after round, the rows a rebuild of every hour from the facts gives', async () => {
    // 1. new orders only: their marks name them, the round adds their share
    const ids = [await place(0), await place(1), await place(2)];
    await settle();
    expect(await marks()).toEqual({ added: expect.any(Number), changed: 0, whole: 0 });
    expect((await marks()).added).toBeGreaterThan(0);
    expect(await refreshRollups(t().db)).toBeGreaterThan(0);
    expect(await marks()).toEqual({ added: 0, changed: 0, whole: 0 });
    const first = await snapshot();
    expect(first.analytics_sales_by_hour!.length).toBeGreaterThan(0);

    // 2. more in the same hour: added to the rows the first round wrote
    ids.push(await place(3, 'sandbox'), await place(4, 'sandbox'));
    await settle();
    await refreshRollups(t().db);

    // 3. changes to rolled-up orders (paid, shipped, cancelled) and a new order paid before the
    //    round: the changes applied as differences, the new order counted once
    const paidNew = await place(5, 'sandbox');
    await paySandbox(t(), paidNew);
    await ship(t(), ids[0]!, warehouse, 'sf', 'SF100000000001');
    const cancelled = await t().request({
      method: 'POST',
      url: `/v1/orders/${ids[1]}/cancel`,
      payload: { reason: 'changed_mind' },
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    await settle();
    // the changed orders are named: their difference is applied, no hour recomputed
    expect(await marks()).toMatchObject({ changed: expect.any(Number), whole: 0 });
    expect((await marks()).changed).toBeGreaterThan(0);
    await refreshRollups(t().db);

    // 4. new orders again after the differences
    await place(6);
    await place(7);
    await settle();
    await refreshRollups(t().db);
    expect(await marks()).toEqual({ added: 0, changed: 0, whole: 0 });
    await sameAsRebuild();

    // 5. every later change to orders rolled up rounds ago: a payment, a shipment and its delivery, a
    //    delivery of the order shipped before, a return refunded and one rejected, a cancellation
    await paySandbox(t(), ids[3]!);
    await ship(t(), paidNew, warehouse, 'sf', 'SF100000000002');
    await deliver('sf', 'SF100000000002');
    await deliver('sf', 'SF100000000001');
    await settle();
    await refreshRollups(t().db);
    await returnOne(paidNew, 'refund');
    await returnOne(ids[0]!, 'reject');
    await request(`/v1/orders/${ids[4]}/cancel`, { reason: 'found_cheaper' });
    await settle();
    // the changed orders are named: their difference is applied, no hour recomputed
    expect(await marks()).toMatchObject({ changed: expect.any(Number), whole: 0 });
    expect((await marks()).changed).toBeGreaterThan(0);
    await refreshRollups(t().db);
    const changed = await sameAsRebuild();
    expect(changed.analytics_returns_by_hour!.length).toBeGreaterThan(0);
    expect(changed.analytics_lead_times_daily!.some((r) => r.includes('shipped_delivered'))).toBe(true);

    // 6. orders placed the day before (their facts, and their rollups rebuilt, moved back a day), then
    //    changed in the same round as a new order placed today: a day's rows each side of midnight
    const yesterday = [ids[2]!, ids[3]!, paidNew];
    await sql`update analytics_orders set placed_at = placed_at - interval '1 day'
              where order_id = any(${yesterday}::uuid[])`.execute(t().db);
    await rebuild();
    await ship(t(), ids[3]!, warehouse, 'sf', 'SF100000000003');
    await ship(t(), ids[2]!, warehouse, 'sf', 'SF100000000004');
    await deliver('sf', 'SF100000000003');
    await returnOne(ids[3]!, 'refund');
    await place(8);
    await settle();
    await refreshRollups(t().db);
    expect(await marks()).toEqual({ added: 0, changed: 0, whole: 0 });
    await sameAsRebuild();

    // and the figures are those of the orders: 9 placed, 2 cancelled, 3 paid, 4 shipped, 3 delivered
    const { rows } = await sql<{ stage: string; orders: number }>`
      select stage, sum(orders)::int as orders from analytics_funnel_daily group by 1 order by 1`.execute(
      t().db,
    );
    expect(rows).toEqual([
      { stage: 'cancelled', orders: 2 },
      { stage: 'delivered', orders: 3 },
      { stage: 'paid', orders: 2 },
      { stage: 'placed', orders: 9 },
      { stage: 'shipped', orders: 4 },
    ]);
    const returns = await sql<{ returns: number; refunded: number }>`
      select sum(returns)::int as returns, sum(refunded)::int as refunded
      from analytics_returns_by_day where dimension = 'all'`.execute(t().db);
    expect(returns.rows).toEqual([{ returns: 2, refunded: 2 }]);
    const month = await sql<{ orders: number }>`
      select sum(orders)::int as orders from analytics_sales_by_month where zone = 'UTC' and dimension = 'all'`.execute(
      t().db,
    );
    expect(month.rows[0]!.orders).toBe(9);
  }, 120_000);
});
