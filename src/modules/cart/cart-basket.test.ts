import { describe, expect, it } from 'vitest';
import {
  address,
  createProduct,
  createWarehouse,
  reservedUnits,
  setStock,
} from '../../../test/helpers/factories.js';
import { expectProblem, useTestApp } from '../../../test/helpers/test-app.js';
import { PAYMENT_METHODS, placeOrder } from '../orders/index.js';
import { CART_CHANGED, checkoutWrites, findCartWithLines } from './cart.repository.js';

describe('a cart created with its basket, and a checkout against a cart that changed', () => {
  const t = useTestApp();

  it('creates the cart with its lines in one request (the same SKU twice is one line), or refuses it whole', async () => {
    const [a, b] = await createProduct(t(), [1999, 500]);
    const [usd] = await createProduct(t(), [100], 'USD');
    const wh = await createWarehouse(t());
    await setStock(t(), a!.sku, wh.code, 10);
    const key = await t().keyFor('storefront');
    const create = (payload: object) => t().request({ method: 'POST', url: '/v1/carts', key, payload });
    const res = await create({
      items: [
        { sku: b!.sku, quantity: 2 },
        { sku: a!.sku, quantity: 1 },
        { sku: b!.sku, quantity: 1 },
      ],
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({
      status: 'open',
      currency: 'CNY',
      subtotal: 1999 + 3 * 500,
      items: [
        { sku: b!.sku, quantity: 3, unitPrice: 500, available: 0, problem: 'only 0 available' },
        { sku: a!.sku, quantity: 1, unitPrice: 1999, available: 10, problem: null },
      ],
    });
    expect((await t().request({ method: 'GET', url: `/v1/carts/${res.json().id}`, key })).json()).toEqual(
      res.json(),
    );

    const refused = async (payload: object, field: string, message: string) => {
      const p = expectProblem(await create(payload), 422);
      expect(p.errors).toEqual([{ field, message }]);
    };
    await refused({ items: [{ sku: 'NOPE', quantity: 1 }] }, 'body.items[0].sku', 'unknown SKU NOPE');
    await refused(
      {
        items: [
          { sku: a!.sku, quantity: 1 },
          { sku: usd!.sku, quantity: 1 },
        ],
      },
      'body.items[1].sku',
      `SKU ${usd!.sku} is priced in USD, the cart in CNY`,
    );
    await refused(
      { currency: 'USD', items: [{ sku: a!.sku, quantity: 1 }] },
      'body.items[0].sku',
      `SKU ${a!.sku} is priced in CNY, the cart in USD`,
    );
    await refused(
      {
        items: [
          { sku: a!.sku, quantity: 600 },
          { sku: a!.sku, quantity: 400 },
        ],
      },
      'body.items[0].quantity',
      `A line holds at most 999 (${a!.sku}: 1000)`,
    );
    expectProblem(await create({ items: [{ sku: a!.sku, quantity: 0 }] }), 400);
  });

  it('places no order for a cart that changed after checkout read it, and leaves it open', async () => {
    const [a, b] = await createProduct(t(), [1000, 2000]);
    const wh = await createWarehouse(t());
    await setStock(t(), a!.sku, wh.code, 10);
    await setStock(t(), b!.sku, wh.code, 10);
    const key = await t().keyFor('storefront');
    const cart = (
      await t().request({
        method: 'POST',
        url: '/v1/carts',
        key,
        payload: { items: [{ sku: a!.sku, quantity: 1 }] },
      })
    ).json();
    const read = (await findCartWithLines(t().db, cart.id))!;
    // a second tab adds a line between the checkout's read and its statement
    await new Promise((r) => setTimeout(r, 5));
    const added = await t().request({
      method: 'POST',
      url: `/v1/carts/${cart.id}/items`,
      key,
      payload: { sku: b!.sku, quantity: 1 },
    });
    expect(added.statusCode, added.body).toBe(201);
    await expect(
      placeOrder(
        t().db,
        {
          customer: { email: 'tab@example.com' },
          addresses: { home: address() },
          paymentMethod: 'sandbox',
          lines: read.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
        },
        {
          actor: 'test',
          paymentTimeoutSeconds: 60,
          paymentMethods: new Set(PAYMENT_METHODS),
          alongside: checkoutWrites(cart.id, read.stamp),
          onPlacing: [],
        },
      ),
    ).rejects.toMatchObject({ code: 'P0001', message: CART_CHANGED });
    expect(await reservedUnits(t(), a!.sku)).toEqual({ reserved: 0, onHand: 10 });

    // the checkout itself reads again and places what the cart holds now
    const placed = await t().request({
      method: 'POST',
      url: `/v1/carts/${cart.id}/checkout`,
      key,
      payload: {
        customer: { email: 'tab@example.com' },
        addresses: { home: address() },
        paymentMethod: 'sandbox',
      },
    });
    expect(placed.statusCode, placed.body).toBe(201);
    expect(placed.json().lines.map((l: { sku: string }) => l.sku)).toEqual([a!.sku, b!.sku]);
  });
});
