import { beforeAll, describe, expect, it } from 'vitest';
import { campaign } from '../../../test/helpers/campaigns.js';
import { stockedSku } from '../../../test/helpers/factories.js';
import { expectProblem, type TestApp, useTestApp } from '../../../test/helpers/test-app.js';
import { type HistoricalOrder, importHistoricalOrders } from '../orders/index.js';
import type { CampaignForecastPoint as Point } from './forecasting.service.js';

/** Orders per weekday, Sunday first; the shop is closed on Saturdays. */
const WEEKLY = [20, 40, 50, 60, 50, 30, 0];
/** Share of a day's orders in each hour from 09:00 to 17:59 UTC (the peak at 12:00 and 13:00). */
const HOURS = [1, 2, 3, 4, 4, 3, 2, 1, 1];
const START = new Date('2026-03-02T00:00:00Z'); // a Monday
const WEEKS = 12;
const DAY = 86_400_000;

/**
 * Twelve weeks of a known weekly pattern ending at START: a level that wanders a little from day to
 * day (so the future is less certain the further it is) and ±10% noise, from a fixed-seed generator.
 */
async function seedHistory(t: TestApp): Promise<number> {
  let seed = 7;
  const noise = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return 0.9 + 0.2 * (seed / 2 ** 31);
  };
  const orders: HistoricalOrder[] = [];
  let level = 1;
  for (let d = WEEKS * 7; d >= 1; d--) {
    const day = new Date(START.getTime() - d * DAY);
    level *= 0.8 + 0.2 * noise();
    const count = Math.round(WEEKLY[day.getUTCDay()]! * level * noise());
    const total = HOURS.reduce((a, b) => a + b, 0);
    for (let i = 0; i < count; i++) {
      // The i-th order of the day falls in the hour whose cumulative share first passes i / count.
      let hour = 0;
      for (let acc = HOURS[0]!; acc / total <= i / count; acc += HOURS[++hour]!);
      orders.push({
        number: `SYN-${day.toISOString().slice(0, 10)}-${i}`,
        channel: 'web',
        placedAt: new Date(day.getTime() + (9 + hour) * 3_600_000 + i * 1000),
        currency: 'EUR',
        customer: { email: `c${i}@example.com`, name: null },
        lines: [{ sku: 'SYN-1', title: 'Synthetic', unitPrice: 1000, quantity: 1 }],
        shippingTotal: 0,
        source: { synthetic: true },
      });
    }
  }
  for (let i = 0; i < orders.length; i += 500) await importHistoricalOrders(t.db, orders.slice(i, i + 500));
  return level;
}

describe('order forecasts', () => {
  const t = useTestApp();
  const forecast = async (query: string, key?: string) => {
    const res = await t().request({ method: 'GET', url: `/v1/forecasts/orders?${query}`, key });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Point[];
  };
  /** Where the wandering level ended: the weekly pattern is forecast at this scale. */
  let level = 1;
  beforeAll(async () => {
    level = await seedHistory(t());
  });

  it('recovers the weekly pattern, with Saturdays closed', async () => {
    const points = await forecast(`granularity=day&horizon=14&start=${START.toISOString()}`);
    expect(points).toHaveLength(14);
    expect(points[0]!.start).toBe(START.toISOString());
    for (const p of points) {
      const weekday = new Date(p.start).getUTCDay();
      if (weekday === 6) {
        expect(p).toMatchObject({ closed: true, expected: 0, upper95: 0 });
        continue;
      }
      expect(p.closed).toBe(false);
      expect(Math.abs(p.expected - level * WEEKLY[weekday]!)).toBeLessThan(0.15 * level * WEEKLY[weekday]!);
      expect(p.lower95).toBeLessThanOrEqual(p.lower80);
      expect(p.lower80).toBeLessThanOrEqual(p.expected);
      expect(p.expected).toBeLessThanOrEqual(p.upper80);
      expect(p.upper80).toBeLessThanOrEqual(p.upper95);
    }
  });

  it('widens the intervals the further ahead it looks', async () => {
    const points = await forecast(`granularity=day&horizon=28&start=${START.toISOString()}`);
    const width = (p: Point) => p.upper95 - p.lower95;
    // The same weekday four weeks on is less certain than next week's.
    for (const i of [0, 1, 2, 3, 4, 6]) expect(width(points[i + 21]!)).toBeGreaterThan(width(points[i]!));
  });

  it('forecasts hours: closed at night, the peak at midday', async () => {
    const points = await forecast(`granularity=hour&horizon=48&start=${START.toISOString()}`);
    expect(points).toHaveLength(48);
    const monday = points.slice(0, 24);
    for (const p of monday) {
      const hour = new Date(p.start).getUTCHours();
      expect(p.closed).toBe(hour < 9 || hour > 17);
      if (p.closed) expect(p.expected).toBe(0);
    }
    const peak = monday.reduce((a, b) => (b.expected > a.expected ? b : a));
    expect([12, 13]).toContain(new Date(peak.start).getUTCHours());
    // The hours add up to about the day.
    const total = monday.reduce((sum, p) => sum + p.expected, 0);
    expect(Math.abs(total - level * WEEKLY[1]!)).toBeLessThan(0.2 * level * WEEKLY[1]!);
  });

  it('adds a scheduled flash sale as uplift on its day', async () => {
    const s = await stockedSku(t(), 500);
    await campaign(t(), s.sku, 120, {
      startsAt: '2026-03-04T10:00:00Z',
      endsAt: '2026-03-04T12:00:00Z',
    });
    const query = `granularity=day&horizon=7&start=${START.toISOString()}`;
    const all = await forecast(query);
    const web = await forecast(`${query}&channel=web`);
    expect(all[2]!.campaignUplift).toBe(120);
    expect(all[2]!.expected).toBeCloseTo(web[2]!.expected + 120, 1);
    expect(all[2]!.lower80).toBeCloseTo(web[2]!.lower80 + 120, 1);
    for (const i of [0, 1, 3, 4, 5, 6]) {
      expect(all[i]!.campaignUplift).toBe(0);
      expect(all[i]!.expected).toBe(web[i]!.expected);
    }
    expect(web.every((p) => p.campaignUplift === 0)).toBe(true);
  });

  it('backtests from rolling origins against seasonal naive and naive', async () => {
    const res = await t().request({
      method: 'GET',
      url: `/v1/forecasts/backtest?granularity=day&horizon=14&origins=4&channel=web&end=${START.toISOString()}`,
    });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.origins.map((o: { origin: string }) => o.origin)).toEqual(
      [5, 4, 3, 2].map((w) => new Date(START.getTime() - w * 7 * DAY).toISOString()),
    );
    // On a stable pattern with noise, a model of the whole history beats last week's copy.
    expect(body.mase.model).toBeLessThan(body.mase.seasonalNaive);
    expect(body.mase.seasonalNaive).toBeLessThan(body.mase.naive);
    expect(body.relativeToSeasonalNaive).toBeCloseTo(body.mase.model / body.mase.seasonalNaive, 6);
    expect(body.origins.every((o: { scored: number }) => o.scored === 12)).toBe(true);
    expect(body.coverage.p95).toBeGreaterThanOrEqual(body.coverage.p80);
  });

  it('plans capacity for a day: its peak hour and its flash sale', async () => {
    const s = await stockedSku(t(), 500);
    const sale = await campaign(t(), s.sku, 300, {
      startsAt: '2026-03-05T20:00:00Z',
      endsAt: '2026-03-05T21:00:00Z',
    });
    const res = await t().request({
      method: 'GET',
      url: '/v1/forecasts/capacity?at=2026-03-05T08:00:00Z',
      key: await t().keyFor('support'),
    });
    expect(res.statusCode, res.body).toBe(200);
    const plan = res.json();
    expect(plan.day).toBe('2026-03-05');
    // The seeded peak (12:00–13:59), not the sale's hour: the sale counts as attempts, not as orders.
    expect([12, 13]).toContain(new Date(plan.peakHour.start).getUTCHours());
    expect(plan.peakHour.upper95).toBeLessThan(50);
    expect(plan.flashSale.sales).toEqual([
      { id: sale.id, name: 'Double 11', startsAt: '2026-03-05T20:00:00.000Z', units: 300 },
    ]);
    expect(plan.flashSale.attemptsPerSecond).toBe(1200);
    expect(plan.ordersPerSecond.busiestSecond).toBeCloseTo((plan.peakHour.upper95 / 3600) * 3, 3);
    // (busiest × 2.6 ms + 1,200 × 0.48 ms) / 1000 / 0.7 → 1 API process; pool 8 × (1 + 1).
    expect(plan.needs).toMatchObject({ apiProcesses: 1, relayWorkers: 1, redisNodes: 1 });
    expect(plan.needs.postgresConnections).toBe(2 * t().config.databasePoolSize);
    expect(plan.rates.apiCpuMsPerOrder.measuredBy).toContain('npm run bench:orders');
    expectProblem(await t().request({ method: 'GET', url: '/v1/forecasts/capacity' }), 400);
    expectProblem(
      await t().request({ method: 'GET', url: '/v1/forecasts/capacity?at=2030-01-01T00:00:00Z' }),
      422,
    );
  });

  it('lets support read forecasts, not other roles', async () => {
    const query = `granularity=day&horizon=7&start=${START.toISOString()}`;
    await forecast(query, await t().keyFor('support'));
    const res = await t().request({
      method: 'GET',
      url: `/v1/forecasts/orders?${query}`,
      key: await t().keyFor('warehouse'),
    });
    expectProblem(res, 403);
  });

  it('refuses what it cannot forecast with a clear problem', async () => {
    const get = (query: string) => t().request({ method: 'GET', url: `/v1/forecasts/${query}` });
    const at = `start=${START.toISOString()}`;
    expectProblem(await get(`orders?granularity=week&horizon=7&${at}`), 400, 'validation_failed');
    expectProblem(await get(`orders?granularity=day&${at}`), 400, 'validation_failed');
    expectProblem(await get(`orders?granularity=day&horizon=0&${at}`), 400, 'validation_failed');
    expectProblem(await get(`orders?granularity=day&horizon=7&start=yesterday`), 400, 'validation_failed');
    const tooFar = expectProblem(await get(`orders?granularity=day&horizon=60&${at}`), 422, 'unprocessable');
    expect(tooFar.errors).toEqual([{ field: 'horizon', message: expect.stringMatching(/at most 42/) }]);
    const empty = expectProblem(await get(`orders?granularity=day&horizon=7&channel=none&${at}`), 422);
    expect(empty.detail).toMatch(/no order history of channel none/);
    const before = expectProblem(
      await get('orders?granularity=day&horizon=7&start=2020-01-01T00:00:00Z'),
      422,
    );
    expect(before.detail).toMatch(/no order history/);
    const stale = expectProblem(
      await get('orders?granularity=day&horizon=7&start=2027-01-01T00:00:00Z'),
      422,
    );
    expect(stale.detail).toMatch(/more than 4 weeks before/);
    const short = expectProblem(
      await get(
        `orders?granularity=day&horizon=2&start=${new Date(START.getTime() - 79 * DAY).toISOString()}`,
      ),
      422,
    );
    expect(short.detail).toMatch(/two weeks of trading history/);
    expectProblem(await get(`backtest?granularity=day&horizon=14&origins=8&end=${START.toISOString()}`), 422);
  });
});
