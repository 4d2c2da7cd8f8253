import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import {
  address,
  createProduct,
  createProvinceZone,
  createWarehouse,
  orderBody,
  setStock,
  standardLane,
} from '../../../test/helpers/factories.js';
import { ship } from '../../../test/helpers/lifecycle.js';
import { startRelay, testSyncConfig, waitFor, withSync } from '../../../test/helpers/sync.js';
import { expectProblem, useTestApp } from '../../../test/helpers/test-app.js';
import { consumersOf } from '../../modules.js';
import { type Relay, registerConsumers } from '../sync/index.js';
import { deliveryModule } from './index.js';

const DAY_MS = 86_400_000;
// A shipment history pushed through the real API (place, prepare, ship, deliver), its dates then set
// as if it had happened over the last weeks: YTO is slow to Zhejiang (5 of 6 parcels past the 4-day
// promise), on time to Jiangsu; SF is on time to both. Orders placed afterwards get their carrier from
// the delivery-choice consumer, run by the real relay.
describe('delivery choice from the carriers’ measured records', () => {
  const t = useTestApp(withSync());
  let relay: Relay | undefined;
  afterAll(async () => {
    await relay?.stop();
  });

  it('sends Zhejiang orders with the carrier that is on time there, and the timeline says why', async () => {
    for (const province of ['Zhejiang', 'Jiangsu']) {
      await createProvinceZone(t(), province, [standardLane('yto'), standardLane('sf')]);
    }
    const [tea] = await createProduct(t(), [3000]);
    const wh = await createWarehouse(t(), { region: 'Zhejiang', code: 'HZ' });
    await setStock(t(), tea!.sku, wh.code, 1000);

    const place = async (province: string, shipping?: string) => {
      const res = await t().request({
        method: 'POST',
        url: '/v1/orders',
        payload: orderBody([{ sku: tea!.sku, quantity: 1 }], {
          paymentMethod: 'cod',
          addresses: { home: address({ province, city: province === 'Zhejiang' ? 'Hangzhou' : 'Nanjing' }) },
          ...(shipping ? { shipping: { home: shipping } } : {}),
        }),
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json().id as string;
    };

    // history: [province, carrier, days from shipped to delivered] × 6
    const history: Array<[string, 'sf' | 'yto', number[]]> = [
      ['Zhejiang', 'sf', [1, 2, 2, 1, 3, 2]],
      ['Zhejiang', 'yto', [6, 7, 5, 3, 6, 8]],
      ['Jiangsu', 'sf', [2, 2, 3, 1, 2, 2]],
      ['Jiangsu', 'yto', [2, 3, 2, 3, 4, 2]],
    ];
    let n = 0;
    for (const [province, carrier, days] of history) {
      for (const lead of days) {
        n++;
        const id = await place(province);
        const tracking = carrier === 'sf' ? `SF${String(100000000000 + n)}` : `YT${String(9000000000 + n)}`;
        const shipment = await ship(t(), id, wh.code, carrier, tracking);
        const delivered = await t().request({
          method: 'POST',
          url: `/v1/shipments/${shipment.id}/deliver`,
          payload: { reason: 'signed for at the door' },
        });
        expect(delivered.statusCode, delivered.body).toBe(200);
        const shippedAt = Date.now() - (10 + n) * DAY_MS;
        await sql`update shipments set shipped_at = ${new Date(shippedAt)},
                    delivered_at = ${new Date(shippedAt + lead * DAY_MS)} where id = ${shipment.id}`.execute(
          t().db,
        );
      }
    }

    const refreshed = await t().request({ method: 'POST', url: '/v1/carrier-lanes/refresh' });
    expect(refreshed.json()).toEqual({ lanes: 4 });
    const lanes = await t().request({ method: 'GET', url: '/v1/carrier-lanes' });
    expect(lanes.json()).toContainEqual({
      carrier: 'yto',
      country: 'CN',
      province: 'zhejiang',
      deliveries: 6,
      onTime: 1,
      onTimeRate: 1 / 6,
      meanDays: 35 / 6,
    });

    // From here on the consumer plans each new order.
    const transport = await registerConsumers(t().db, consumersOf([deliveryModule], t().app.services));
    relay = startRelay(t().db, testSyncConfig(), { consumer: transport });
    const toZhejiang = await place('Zhejiang'); // the buyer took the cheapest, YTO
    const toJiangsu = await place('Jiangsu');
    const planned = (id: string) =>
      waitFor(
        async () => {
          const res = await t().request({ method: 'GET', url: `/v1/orders/${id}` });
          const order = res.json();
          return order.deliveryPlan?.length ? order : undefined;
        },
        { message: `the delivery plan of ${id}` },
      );

    const zj = await planned(toZhejiang);
    expect(zj.pricing.shipments[0]).toMatchObject({ carrier: 'yto', maxDays: 4 });
    expect(zj.deliveryPlan).toEqual([
      {
        address: 'home',
        warehouses: ['HZ'],
        carrier: 'sf',
        service: 'standard',
        reason: expect.stringContaining(
          'carrier SF chosen for Zhejiang, CN (standard): on-time 100% (6 of 6)',
        ),
      },
    ]);
    const entry = zj.timeline.find((e: { kind: string }) => e.kind === 'delivery.planned');
    expect(entry.message).toBe(
      'carrier SF chosen for Zhejiang, CN (standard): on-time 100% (6 of 6), 1.8 days on average' +
        ' vs YTO on-time 17% (1 of 6), 5.8 days on average — the best on-time record there;' +
        ' from HZ (in Zhejiang, one parcel)',
    );

    // Both on time to Jiangsu: the cheaper one.
    const js = await planned(toJiangsu);
    expect(js.deliveryPlan[0]).toMatchObject({ carrier: 'yto', warehouses: ['HZ'] });
    expect(js.deliveryPlan[0].reason).toContain('as reliable as SF and cheaper (6.00 vs 9.00)');

    // The warehouse, which ships it, sees the plan.
    const warehouse = await t().request({
      method: 'GET',
      url: `/v1/orders/${toZhejiang}`,
      key: await t().keyFor('warehouse'),
    });
    expect(warehouse.json().deliveryPlan).toHaveLength(1);
  });

  it('refreshes at most every 10 minutes unless forced, and only admins force it', async () => {
    const { refreshCarrierLanes } = await import('./index.js');
    expect(await refreshCarrierLanes(t().db)).toBe(0);
    expectProblem(
      await t().request({
        method: 'POST',
        url: '/v1/carrier-lanes/refresh',
        key: await t().keyFor('warehouse'),
      }),
      403,
    );
  });
});
