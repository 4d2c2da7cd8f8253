import { describe, expect, it } from 'vitest';
import {
  address,
  createProduct,
  createProvinceZone,
  createWarehouse,
  setStock,
} from '../../../test/helpers/factories.js';
import { expectProblem, useTestApp } from '../../../test/helpers/test-app.js';

describe('cart shipping options and cash on delivery', () => {
  const t = useTestApp();

  it('lists each carrier and service for the address with price, promise and COD, and checkout takes one', async () => {
    await createProvinceZone(
      t(),
      'Zhejiang',
      [
        { carrier: 'sf', service: 'express', basis: 'flat', price: 1800, minDays: 1, maxDays: 2 },
        { carrier: 'yto', service: 'standard', basis: 'flat', price: 600, minDays: 2, maxDays: 4 },
      ],
      { fee: 500, limit: 10000 },
    );
    const [cheap, dear] = await createProduct(t(), [2000, 9000]);
    const wh = await createWarehouse(t(), { region: 'Zhejiang' });
    await setStock(t(), cheap!.sku, wh.code, 10);
    await setStock(t(), dear!.sku, wh.code, 10);
    const key = await t().keyFor('storefront');
    const cart = (await t().request({ method: 'POST', url: '/v1/carts', key, payload: {} })).json();
    const add = (sku: string, quantity: number) =>
      t().request({ method: 'POST', url: `/v1/carts/${cart.id}/items`, key, payload: { sku, quantity } });
    await add(cheap!.sku, 2);

    const options = async (query: string) => {
      const res = await t().request({
        method: 'GET',
        url: `/v1/carts/${cart.id}/shipping-options?${query}`,
        key,
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    };
    const zj = await options('country=CN&province=Zhejiang&city=Hangzhou');
    expect(zj).toMatchObject({ currency: 'CNY', zone: 'Zhejiang', subtotal: 4000, discount: 0 });
    expect(zj.options).toEqual([
      {
        id: 'yto:standard',
        carrier: 'yto',
        service: 'standard',
        price: 600,
        minDays: 2,
        maxDays: 4,
        promise: '2–4 days',
        total: 4600,
        cashOnDelivery: { available: true, fee: 500, total: 5100, reason: null },
      },
      {
        id: 'sf:express',
        carrier: 'sf',
        service: 'express',
        price: 1800,
        minDays: 1,
        maxDays: 2,
        promise: '1–2 days',
        total: 5800,
        cashOnDelivery: { available: true, fee: 500, total: 6300, reason: null },
      },
    ]);

    // Past the zone's COD limit (100.00): the option is still offered, cash on delivery is not.
    await add(dear!.sku, 1);
    const over = await options('country=CN&province=Zhejiang');
    expect(over.options[0].cashOnDelivery).toEqual({
      available: false,
      fee: null,
      total: null,
      reason: 'cash on delivery to Zhejiang is limited to 10000 (this order: 14100)',
    });

    const checkout = (payload: object) =>
      t().request({
        method: 'POST',
        url: `/v1/carts/${cart.id}/checkout`,
        key,
        payload: {
          customer: { email: 'zj@example.com' },
          addresses: { home: address({ province: 'Zhejiang', city: 'Hangzhou' }) },
          ...payload,
        },
      });
    const refused = expectProblem(await checkout({ paymentMethod: 'cod' }), 422);
    expect(refused.errors).toEqual([
      {
        field: 'body.paymentMethod',
        message: 'cash on delivery to Zhejiang is limited to 10000 (this order: 14100)',
      },
    ]);
    const wrong = expectProblem(
      await checkout({ paymentMethod: 'sandbox', shipping: { home: 'ems:express' } }),
      422,
    );
    expect(wrong.errors[0]).toMatchObject({ field: 'body.shipping.home' });

    const placed = await checkout({ paymentMethod: 'sandbox', shipping: { home: 'sf:express' } });
    expect(placed.statusCode, placed.body).toBe(201);
    expect(placed.json()).toMatchObject({ totals: { shipping: 1800, grandTotal: 13000 + 1800 } });
  });

  it('says so when nothing ships there, and refuses an unknown cart', async () => {
    const [p] = await createProduct(t(), [100]);
    const key = await t().keyFor('storefront');
    const cart = (await t().request({ method: 'POST', url: '/v1/carts', key, payload: {} })).json();
    expectProblem(
      await t().request({ method: 'GET', url: `/v1/carts/${cart.id}/shipping-options?country=CN`, key }),
      422,
    );
    await t().request({
      method: 'POST',
      url: `/v1/carts/${cart.id}/items`,
      key,
      payload: { sku: p!.sku, quantity: 1 },
    });
    const bad = await t().request({
      method: 'GET',
      url: `/v1/carts/${cart.id}/shipping-options?country=cn`,
      key,
    });
    expectProblem(bad, 400);
    const none = `/v1/carts/${'0'.repeat(8)}-0000-7000-8000-${'0'.repeat(12)}/shipping-options?country=CN`;
    expectProblem(await t().request({ method: 'GET', url: none, key }), 404);
  });
});
