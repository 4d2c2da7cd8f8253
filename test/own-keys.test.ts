import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { applyCommand } from '../src/modules/sync/index.js';
import { commandHandlersOf, modules } from '../src/modules.js';
import {
  address,
  createCategory,
  createProduct,
  createWarehouse,
  orderBody,
  setStock,
} from './helpers/factories.js';
import { expectProblem, useTestApp } from './helpers/test-app.js';

// Names every object has through Object.prototype: as keys from a client they must find nothing.
const INHERITED = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', 'isPrototypeOf'];

describe('keys from clients are looked up as own properties only', () => {
  const t = useTestApp();

  it('refuses a line whose shipTo names an inherited property instead of an address', async () => {
    const [p] = await createProduct(t(), [1000]);
    const wh = await createWarehouse(t());
    await setStock(t(), p!.sku, wh.code, 10);
    for (const shipTo of INHERITED.filter((k) => /^[A-Za-z0-9_-]+$/.test(k))) {
      const res = await t().request({
        method: 'POST',
        url: '/v1/orders',
        payload: orderBody([{ sku: p!.sku, quantity: 1, shipTo }]),
      });
      const problem = expectProblem(res, 422);
      expect(problem.errors, shipTo).toEqual([
        { field: 'body.lines[0].shipTo', message: 'names no address (have home)' },
      ]);
    }
    const orders = await t().db.selectFrom('orders').select('id').execute();
    expect(orders).toHaveLength(0);
  });

  it('checks out a SKU named like an inherited property to the only address', async () => {
    const categoryId = await createCategory(t());
    const created = await t().request({
      method: 'POST',
      url: '/v1/products',
      payload: {
        categoryId,
        title: 'A product whose SKU is constructor',
        status: 'active',
        attributes: {},
        variants: [{ sku: 'constructor', title: 'v', price: 500, currency: 'CNY' }],
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const wh = await createWarehouse(t());
    await setStock(t(), 'constructor', wh.code, 5);
    const key = await t().keyFor('storefront');
    const cart = (await t().request({ method: 'POST', url: '/v1/carts', key, payload: {} })).json();
    await t().request({
      method: 'POST',
      url: `/v1/carts/${cart.id}/items`,
      key,
      payload: { sku: 'constructor', quantity: 1 },
    });
    const order = await t().request({
      method: 'POST',
      url: `/v1/carts/${cart.id}/checkout`,
      key,
      payload: {
        customer: { email: 'buyer@example.com' },
        addresses: { home: address() },
        // a map that names other SKUs: the cart's `constructor` line has no entry, so the only address
        shipTo: { 'OTHER-SKU': 'home' },
        paymentMethod: 'sandbox',
      },
    });
    expect(order.statusCode, order.body).toBe(201);
    expect(order.json().lines).toMatchObject([{ sku: 'constructor', shipTo: 'home' }]);
  });

  it('rejects an inbound command whose type is an inherited property, once, without throwing', async () => {
    for (const type of INHERITED) {
      const result = await applyCommand(
        t().db,
        { source: '/wms/test', messageId: randomBytes(8).toString('hex'), type, payload: {} },
        commandHandlersOf(modules),
      );
      expect(result, type).toEqual({ outcome: 'rejected', reason: `Unknown command type ${type}` });
    }
  });
});
