import { describe, expect, it } from 'vitest';
import { createProduct, createWarehouse, orderBody, setStock } from '../../../test/helpers/factories.js';
import { prepareShipment } from '../../../test/helpers/lifecycle.js';
import { expectProblem, useTestApp } from '../../../test/helpers/test-app.js';
import { walkingOrder } from './pick-lists.js';

describe('pick lists', () => {
  const t = useTestApp();

  it('batches the day’s prepared shipments of a warehouse into lists walked by bin, each shipment once', async () => {
    const [a, b, c, d] = await createProduct(t(), [100, 200, 300, 400]);
    const wh = await createWarehouse(t());
    const other = await createWarehouse(t());
    for (const s of [a, b, c, d]) {
      await setStock(t(), s!.sku, wh.code, 100);
      await setStock(t(), s!.sku, other.code, 0);
    }
    const key = await t().keyFor('warehouse');
    const bins = await t().request({
      method: 'PUT',
      url: `/v1/warehouses/${wh.code}/bin-locations`,
      key,
      payload: {
        locations: [
          { sku: a!.sku, location: 'B-10-1' },
          { sku: b!.sku, location: 'A-2-1' },
          { sku: c!.sku, location: 'B-9-3' },
        ],
      },
    });
    expect(bins.json()).toEqual({ updated: 3 });

    const orders: Array<Array<{ sku: string; quantity: number }>> = [
      [
        { sku: a!.sku, quantity: 2 },
        { sku: b!.sku, quantity: 1 },
      ],
      [
        { sku: a!.sku, quantity: 1 },
        { sku: d!.sku, quantity: 1 },
      ],
      [{ sku: c!.sku, quantity: 3 }],
    ];
    const shipments = [];
    for (const lines of orders) {
      const placed = await t().request({
        method: 'POST',
        url: '/v1/orders',
        payload: orderBody(lines, { paymentMethod: 'cod' }),
      });
      expect(placed.statusCode, placed.body).toBe(201);
      shipments.push((await prepareShipment(t(), placed.json().id, wh.code)).id as string);
    }

    const create = (payload: object, ref = wh.code) =>
      t().request({ method: 'POST', url: `/v1/warehouses/${ref}/pick-lists`, key, payload });
    const res = await create({ maxShipments: 2 });
    expect(res.statusCode, res.body).toBe(201);
    const lists = res.json();
    expect(lists).toHaveLength(2);
    expect(lists[0].shipments.map((s: { shipmentId: string }) => s.shipmentId)).toEqual(
      shipments.slice(0, 2),
    );
    expect(lists[0].lines).toEqual([
      {
        seq: 1,
        location: 'A-2-1',
        sku: b!.sku,
        quantity: 1,
        shipments: [{ shipmentId: shipments[0], quantity: 1 }],
      },
      {
        seq: 2,
        location: 'B-10-1',
        sku: a!.sku,
        quantity: 3,
        shipments: [
          { shipmentId: shipments[0], quantity: 2 },
          { shipmentId: shipments[1], quantity: 1 },
        ],
      },
      // no bin known: last
      {
        seq: 3,
        location: null,
        sku: d!.sku,
        quantity: 1,
        shipments: [{ shipmentId: shipments[1], quantity: 1 }],
      },
    ]);
    expect(lists[1].lines).toEqual([
      {
        seq: 1,
        location: 'B-9-3',
        sku: c!.sku,
        quantity: 3,
        shipments: [{ shipmentId: shipments[2], quantity: 3 }],
      },
    ]);
    const again = await t().request({ method: 'GET', url: `/v1/pick-lists/${lists[0].id}`, key });
    expect(again.json()).toEqual(lists[0]);

    // Each shipment is batched once; another warehouse or day has nothing waiting.
    expect((await create({})).json()).toEqual([]);
    expect((await create({}, other.code)).json()).toEqual([]);
    expect((await create({ day: '2020-01-01' })).json()).toEqual([]);
  });

  it('refuses a day that is not one, an unknown warehouse and a SKU given two bins', async () => {
    const wh = await createWarehouse(t());
    const key = await t().keyFor('warehouse');
    expectProblem(
      await t().request({
        method: 'POST',
        url: `/v1/warehouses/${wh.code}/pick-lists`,
        key,
        payload: { day: '2026-02-30' },
      }),
      400,
    );
    expectProblem(
      await t().request({ method: 'POST', url: '/v1/warehouses/NOWHERE/pick-lists', key, payload: {} }),
      404,
    );
    const twice = expectProblem(
      await t().request({
        method: 'PUT',
        url: `/v1/warehouses/${wh.code}/bin-locations`,
        key,
        payload: {
          locations: [
            { sku: 'X', location: 'A-1' },
            { sku: 'X', location: 'A-2' },
          ],
        },
      }),
      422,
    );
    expect(twice.errors[0].message).toBe('X appears more than once');
  });

  it('walks bins in natural order', () => {
    const bins = ['A-10', 'a-2', 'B-1', 'A-1', null];
    expect(
      bins
        .map((location, i) => ({ location, sku: `S${i}` }))
        .sort(walkingOrder)
        .map((x) => x.location),
    ).toEqual(['A-1', 'a-2', 'A-10', 'B-1', null]);
  });
});
