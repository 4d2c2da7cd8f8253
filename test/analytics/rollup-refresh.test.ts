import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyticsModule, refreshAllRollups, refreshRollups } from '../../src/modules/analytics/index.js';
import { type Relay, registerConsumers } from '../../src/modules/sync/index.js';
import { consumersOf } from '../../src/modules.js';
import { createProduct, createWarehouse, orderBody, setStock } from '../helpers/factories.js';
import { paySandbox, ship } from '../helpers/lifecycle.js';
import { providerConfig } from '../helpers/providers.js';
import { startRelay, testSyncConfig, waitFor, withSync } from '../helpers/sync.js';
import { useTestApp } from '../helpers/test-app.js';

// The refresh adds newly placed orders' share to the rollup rows and recomputes only the hours whose
// orders changed: after rounds of both, mixed, every rollup row must be what a rebuild of every hour
// from the facts gives (that rebuild is checked against SQL of its own in analytics-figures.test.ts).

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

describe('rollup refresh: new orders added, changed hours recomputed', () => {
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
    const { rows } = await sql<{ added: number; changed: number }>`
      select count(*) filter (where placed is not null)::int as added,
             count(*) filter (where placed is null)::int as changed
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

  it('gives, round after round, the rows a rebuild of every hour from the facts gives', async () => {
    // 1. new orders only: their marks name them, the round adds their share
    const ids = [await place(0), await place(1), await place(2)];
    await settle();
    expect(await marks()).toEqual({ added: expect.any(Number), changed: 0 });
    expect((await marks()).added).toBeGreaterThan(0);
    expect(await refreshRollups(t().db)).toBeGreaterThan(0);
    expect(await marks()).toEqual({ added: 0, changed: 0 });
    const first = await snapshot();
    expect(first.analytics_sales_by_hour!.length).toBeGreaterThan(0);

    // 2. more in the same hour: added to the rows the first round wrote
    ids.push(await place(3), await place(4));
    await settle();
    await refreshRollups(t().db);

    // 3. changes to rolled-up orders (paid, shipped, cancelled) and a new order paid before the
    //    round: the hour is recomputed, the new order counted once
    await paySandbox(t(), await place(5, 'sandbox'));
    await ship(t(), ids[0]!, warehouse, 'sf', 'SF100000000001');
    const cancelled = await t().request({
      method: 'POST',
      url: `/v1/orders/${ids[1]}/cancel`,
      payload: { reason: 'changed_mind' },
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    await settle();
    expect((await marks()).changed).toBeGreaterThan(0);
    await refreshRollups(t().db);

    // 4. new orders again after the recompute
    await place(6);
    await place(7);
    await settle();
    await refreshRollups(t().db);
    expect(await marks()).toEqual({ added: 0, changed: 0 });
    const incremental = await snapshot();

    // the rebuild: every rollup emptied, every hour with orders marked as changed
    for (const table of ROLLUPS) await sql`delete from ${sql.table(table)}`.execute(t().db);
    await sql`insert into analytics_dirty_marks (hour)
              select distinct date_trunc('hour', placed_at, 'UTC') from analytics_orders`.execute(t().db);
    await refreshAllRollups(t().db);
    expect(incremental).toEqual(await snapshot());

    // and the figures are those of the orders: 8 placed, 1 cancelled, 1 paid, 1 shipped
    const { rows } = await sql<{ stage: string; orders: number }>`
      select stage, sum(orders)::int as orders from analytics_funnel_daily group by 1 order by 1`.execute(
      t().db,
    );
    expect(rows).toEqual([
      { stage: 'cancelled', orders: 1 },
      { stage: 'paid', orders: 1 },
      { stage: 'placed', orders: 8 },
      { stage: 'shipped', orders: 1 },
    ]);
    const month = await sql<{ orders: number }>`
      select sum(orders)::int as orders from analytics_sales_by_month where zone = 'UTC' and dimension = 'all'`.execute(
      t().db,
    );
    expect(month.rows[0]!.orders).toBe(8);
  }, 120_000);
});
