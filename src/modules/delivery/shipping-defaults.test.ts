import { describe, expect, it } from 'vitest';
import {
  address,
  createProduct,
  createProvinceZone,
  createWarehouse,
  orderBody,
  setStock,
  standardLane,
} from '../../../test/helpers/factories.js';
import { expectProblem, useTestApp } from '../../../test/helpers/test-app.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { planDelivery } from './index.js';

// The delivery plan is the default of a shipment that names no carrier or warehouse: the lane
// records below make SF the plan's carrier to Zhejiang although the buyer took the cheaper YTO.
describe('the delivery plan as the shipping default', () => {
  const t = useTestApp();

  // one zone, warehouse and lane history for both tests (a region belongs to one zone)
  let ready: Promise<{ sku: string; wh: { code: string } }> | undefined;
  const setUp = () => {
    ready ??= seed();
    return ready;
  };
  async function seed() {
    await createProvinceZone(t(), 'Zhejiang', [standardLane('yto'), standardLane('sf')]);
    // YTO: 1 of 6 on time to Zhejiang; SF: 6 of 6
    await t()
      .db.insertInto('carrier_lanes')
      .values([
        { carrier: 'yto', country: 'CN', province: 'zhejiang', deliveries: 6, on_time: 1, lead_hours: 840 },
        { carrier: 'sf', country: 'CN', province: 'zhejiang', deliveries: 6, on_time: 6, lead_hours: 264 },
      ])
      .execute();
    const [tea] = await createProduct(t(), [3000]);
    const wh = await createWarehouse(t(), { region: 'Zhejiang' });
    await setStock(t(), tea!.sku, wh.code, 100);
    return { sku: tea!.sku, wh };
  }

  const place = async (sku: string, plan = true) => {
    const res = await t().request({
      method: 'POST',
      url: '/v1/orders',
      payload: orderBody([{ sku, quantity: 1 }], {
        paymentMethod: 'cod',
        addresses: { home: address({ province: 'Zhejiang', city: 'Hangzhou' }) },
      }),
    });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().id as string;
    // what the delivery-choice consumer does on order.placed
    if (plan) await inTransaction(t().db, (trx) => planDelivery(trx, id));
    return id;
  };

  const prepare = (orderId: string, payload: Record<string, unknown>) =>
    t().request({ method: 'POST', url: `/v1/orders/${orderId}/shipments`, payload });
  const ship = (shipmentId: string, payload: Record<string, unknown>) =>
    t().request({ method: 'POST', url: `/v1/shipments/${shipmentId}/ship`, payload });

  it('ships with the planned carrier and warehouse unless told otherwise', async () => {
    const { sku, wh } = await setUp();

    const planned = await place(sku);
    const order = (await t().request({ method: 'GET', url: `/v1/orders/${planned}` })).json();
    expect(order.pricing.shipments[0]).toMatchObject({ carrier: 'yto' });
    expect(order.deliveryPlan).toEqual([expect.objectContaining({ carrier: 'sf', warehouses: [wh.code] })]);

    // neither warehouse nor carrier named: the plan's
    const created = await prepare(planned, {});
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ warehouse: wh.code, carrier: 'sf', status: 'pending' });
    const shipped = await ship(created.json().id, { trackingNumber: 'SF100000000001' });
    expect(shipped.statusCode, shipped.body).toBe(200);
    expect(shipped.json()).toMatchObject({ carrier: 'sf', trackingNumber: 'SF100000000001' });

    // a named carrier wins, at preparation …
    const named = await place(sku);
    const yto = await prepare(named, { warehouse: wh.code, carrier: 'yto' });
    expect(yto.statusCode, yto.body).toBe(201);
    expect(yto.json().carrier).toBe('yto');
    expect((await ship(yto.json().id, { trackingNumber: 'YT9000000001' })).json().carrier).toBe('yto');

    // … and at hand-over
    const late = await place(sku);
    const prepared = await prepare(late, { warehouse: wh.code });
    expect(prepared.json().carrier).toBe('sf');
    const handed = await ship(prepared.json().id, { carrier: 'yto', trackingNumber: 'YT9000000002' });
    expect(handed.statusCode, handed.body).toBe(200);
    expect(handed.json().carrier).toBe('yto');
  });

  it('without a plan, asks for the warehouse, then for the carrier at hand-over', async () => {
    const { sku, wh } = await setUp();
    const unplanned = await place(sku, false);

    const refused = await prepare(unplanned, {});
    expectProblem(refused, 422);
    expect(refused.json().detail).toContain('no delivery plan');
    expect(
      await t().db.selectFrom('shipments').select('id').where('order_id', '=', unplanned).execute(),
    ).toEqual([]);

    const created = await prepare(unplanned, { warehouse: wh.code });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json().carrier).toBeNull();
    const noCarrier = await ship(created.json().id, { trackingNumber: 'SF100000000002' });
    expectProblem(noCarrier, 422);
    expect(noCarrier.json().errors).toEqual([expect.objectContaining({ field: 'body.carrier' })]);
    const still = await t().request({ method: 'GET', url: `/v1/shipments/${created.json().id}` });
    expect(still.json()).toMatchObject({ status: 'pending', carrier: null, trackingNumber: null });
  });
});
