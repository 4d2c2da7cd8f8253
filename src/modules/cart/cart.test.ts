import { describe, expect, it } from 'vitest';
import {
  address,
  createProduct,
  createWarehouse,
  reservedUnits,
  setStock,
} from '../../../test/helpers/factories.js';
import { expectProblem, useTestApp } from '../../../test/helpers/test-app.js';

describe('carts and checkout', () => {
  const t = useTestApp();

  async function cartWith(items: Array<{ sku: string; quantity: number }>) {
    const key = await t().keyFor('storefront');
    const cart = (await t().request({ method: 'POST', url: '/v1/carts', key, payload: {} })).json();
    for (const item of items) {
      const res = await t().request({
        method: 'POST',
        url: `/v1/carts/${cart.id}/items`,
        key,
        payload: item,
      });
      expect(res.statusCode, res.body).toBe(201);
    }
    return { id: cart.id as string, key };
  }

  it('adds, merges, changes and removes lines, showing prices and availability', async () => {
    const [a, b] = await createProduct(t(), [1999, 500]);
    const wh = await createWarehouse(t());
    await setStock(t(), a!.sku, wh.code, 3);
    const { id, key } = await cartWith([
      { sku: a!.sku, quantity: 1 },
      { sku: b!.sku, quantity: 2 },
      { sku: a!.sku, quantity: 1 },
    ]);

    let cart = (await t().request({ method: 'GET', url: `/v1/carts/${id}`, key })).json();
    expect(cart).toMatchObject({ status: 'open', currency: 'CNY', subtotal: 1999 * 2 + 500 * 2 });
    expect(cart.items).toHaveLength(2);
    expect(cart.items[0]).toMatchObject({
      sku: a!.sku,
      quantity: 2,
      unitPrice: 1999,
      available: 3,
      problem: null,
    });
    expect(cart.items[1]).toMatchObject({ sku: b!.sku, available: 0, problem: 'only 0 available' });

    cart = (
      await t().request({
        method: 'PATCH',
        url: `/v1/carts/${id}/items/${cart.items[0].id}`,
        key,
        payload: { quantity: 5 },
      })
    ).json();
    expect(cart.items[0]).toMatchObject({ quantity: 5, problem: 'only 3 available' });
    cart = (
      await t().request({ method: 'DELETE', url: `/v1/carts/${id}/items/${cart.items[1].id}`, key })
    ).json();
    expect(cart.items.map((i: { sku: string }) => i.sku)).toEqual([a!.sku]);
  });

  it('refuses unknown SKUs, bad quantities and lines past 999', async () => {
    const [a] = await createProduct(t(), [100]);
    const { id, key } = await cartWith([{ sku: a!.sku, quantity: 998 }]);
    const add = (payload: object) =>
      t().request({ method: 'POST', url: `/v1/carts/${id}/items`, key, payload });
    expectProblem(await add({ sku: 'UNKNOWN', quantity: 1 }), 422);
    expectProblem(await add({ sku: a!.sku, quantity: 0 }), 400);
    expectProblem(await add({ sku: a!.sku, quantity: 1000 }), 400);
    expectProblem(await add({ sku: a!.sku, quantity: 2 }), 422);
    const [usd] = await createProduct(t(), [100], 'USD');
    const mixed = expectProblem(await add({ sku: usd!.sku, quantity: 1 }), 422);
    expect(mixed.errors[0].message).toContain('priced in USD, the cart in CNY');
    const nowhere = `/v1/carts/${'0'.repeat(8)}-0000-7000-8000-${'0'.repeat(12)}/items`;
    for (const sku of [a!.sku, 'UNKNOWN']) {
      expectProblem(
        await t().request({ method: 'POST', url: nowhere, key, payload: { sku, quantity: 1 } }),
        404,
      );
    }
    const cart = (await t().request({ method: 'GET', url: `/v1/carts/${id}`, key })).json();
    expect(cart.items.map((i: { quantity: number }) => i.quantity)).toEqual([998]);
    expect(cart.currency).toBe('CNY');
  });

  it('checks out through the order path once, reserving stock', async () => {
    const [a] = await createProduct(t(), [4200]);
    const wh = await createWarehouse(t());
    await setStock(t(), a!.sku, wh.code, 5);
    const { id, key } = await cartWith([{ sku: a!.sku, quantity: 2 }]);
    const body = {
      customer: { email: 'guest@example.com' },
      addresses: { home: address() },
      paymentMethod: 'sandbox',
    };

    const [first, second] = await Promise.all([
      t().request({ method: 'POST', url: `/v1/carts/${id}/checkout`, key, payload: body }),
      t().request({ method: 'POST', url: `/v1/carts/${id}/checkout`, key, payload: body }),
    ]);
    const codes = [first!.statusCode, second!.statusCode].sort();
    expect(codes).toEqual([201, 409]);
    const order = (first!.statusCode === 201 ? first! : second!).json();
    expect(order).toMatchObject({
      status: 'pending_payment',
      totals: { subtotal: 8400, grandTotal: 8400 + 1000 },
    });
    expect(await reservedUnits(t(), a!.sku)).toEqual({ reserved: 2, onHand: 5 });
    const cart = (await t().request({ method: 'GET', url: `/v1/carts/${id}`, key })).json();
    expect(cart).toMatchObject({ status: 'checked_out', orderId: order.id });
    expectProblem(
      await t().request({
        method: 'POST',
        url: `/v1/carts/${id}/items`,
        key,
        payload: { sku: a!.sku, quantity: 1 },
      }),
      409,
    );
  });

  it('refuses to check out an empty cart or one whose stock is gone, leaving it open', async () => {
    const [a] = await createProduct(t(), [100]);
    const empty = await cartWith([]);
    const body = {
      customer: { email: 'guest@example.com' },
      addresses: { home: address() },
      paymentMethod: 'cod',
    };
    expectProblem(
      await t().request({
        method: 'POST',
        url: `/v1/carts/${empty.id}/checkout`,
        key: empty.key,
        payload: body,
      }),
      422,
    );
    const short = await cartWith([{ sku: a!.sku, quantity: 1 }]);
    expectProblem(
      await t().request({
        method: 'POST',
        url: `/v1/carts/${short.id}/checkout`,
        key: short.key,
        payload: body,
      }),
      409,
      'insufficient_stock',
    );
    expect(
      (await t().request({ method: 'GET', url: `/v1/carts/${short.id}`, key: short.key })).json().status,
    ).toBe('open');
  });
});
