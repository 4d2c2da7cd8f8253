import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import type { TestApp } from './test-app.js';

const uniq = () => randomBytes(4).toString('hex');

export interface StockedSku {
  sku: string;
  price: number;
  productId: string;
}

/** A category with no attribute schema, for tests that only need something to sell. */
export async function createCategory(t: TestApp): Promise<string> {
  const u = uniq();
  const res = await t.request({
    method: 'POST',
    url: '/v1/categories',
    payload: { name: `Test ${u}`, slug: `test-${u}`, attributes: [] },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id;
}

/** An active product with one variant per price given. */
export async function createProduct(t: TestApp, prices: number[], currency = 'CNY'): Promise<StockedSku[]> {
  const categoryId = await createCategory(t);
  const u = uniq();
  const variants = prices.map((price, i) => ({ sku: `T-${u}-${i}`, title: `v${i}`, price, currency }));
  const res = await t.request({
    method: 'POST',
    url: '/v1/products',
    payload: {
      categoryId,
      title: `Test product ${u}`,
      description: 'for tests',
      status: 'active',
      attributes: {},
      variants,
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  const productId = res.json().id;
  return variants.map((v) => ({ sku: v.sku, price: v.price, productId }));
}

export async function createWarehouse(
  t: TestApp,
  input: { region?: string; priority?: number; code?: string } = {},
): Promise<{ id: string; code: string }> {
  const code = input.code ?? `WH-${uniq().toUpperCase()}`;
  const res = await t.request({
    method: 'POST',
    url: '/v1/warehouses',
    payload: {
      code,
      name: `Warehouse ${code}`,
      country: 'CN',
      region: input.region ?? 'Shanghai',
      priority: input.priority ?? 100,
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return { id: res.json().id, code };
}

export async function setStock(
  t: TestApp,
  sku: string,
  warehouseCode: string,
  onHand: number,
): Promise<void> {
  const res = await t.request({
    method: 'PUT',
    url: `/v1/inventory/${sku}/${warehouseCode}`,
    payload: { onHand },
  });
  expect(res.statusCode, res.body).toBeLessThan(300);
}

/** One SKU with `onHand` units in a fresh warehouse. */
export async function stockedSku(
  t: TestApp,
  onHand: number,
  price = 2599,
): Promise<StockedSku & { warehouse: string }> {
  const [item] = await createProduct(t, [price]);
  const wh = await createWarehouse(t);
  await setStock(t, item!.sku, wh.code, onHand);
  return { ...item!, warehouse: wh.code };
}

export const address = (overrides: Record<string, string> = {}) => ({
  name: 'Li Lei',
  phone: '+86 138 0013 8000',
  country: 'CN',
  province: 'Shanghai',
  city: 'Shanghai',
  district: 'Pudong',
  line1: '88 Century Avenue',
  postalCode: '200120',
  ...overrides,
});

export function orderBody(
  lines: Array<{ sku: string; quantity: number; shipTo?: string }>,
  overrides: Record<string, unknown> = {},
) {
  return {
    customer: { email: `buyer-${uniq()}@example.com`, phone: '+8613800138000', name: 'Li Lei' },
    lines,
    addresses: { home: address() },
    paymentMethod: 'sandbox',
    ...overrides,
  };
}

/** Sums reserved units of a SKU over all warehouses, straight from the table. */
export async function reservedUnits(t: TestApp, sku: string): Promise<{ reserved: number; onHand: number }> {
  const rows = await t.db
    .selectFrom('stock_levels')
    .select(['reserved', 'on_hand'])
    .where('sku', '=', sku)
    .execute();
  return {
    reserved: rows.reduce((s, r) => s + r.reserved, 0),
    onHand: rows.reduce((s, r) => s + r.on_hand, 0),
  };
}

/** A storefront's open cart holding these lines, and the storefront key that reaches it. */
export async function cartWith(t: TestApp, items: Array<{ sku: string; quantity: number }>) {
  const key = await t.keyFor('storefront');
  const cart = (await t.request({ method: 'POST', url: '/v1/carts', key, payload: {} })).json();
  for (const item of items) {
    const res = await t.request({ method: 'POST', url: `/v1/carts/${cart.id}/items`, key, payload: item });
    expect(res.statusCode, res.body).toBe(201);
  }
  return { id: cart.id as string, key };
}

/** A standard 2–4 day flat lane: SF at 9.00, any other carrier at 6.00 (SF the dearer choice). */
export const standardLane = (carrier: string) => ({
  carrier,
  service: 'standard',
  basis: 'flat',
  price: carrier === 'sf' ? 900 : 600,
  minDays: 2,
  maxDays: 4,
});

/** A CNY shipping zone covering one Chinese province, named after it. */
export async function createProvinceZone(
  t: TestApp,
  province: string,
  rates: ReadonlyArray<Record<string, unknown>>,
  cod: Record<string, unknown> = { fee: 0 },
) {
  const res = await t.request({
    method: 'POST',
    url: '/v1/shipping-zones',
    payload: { name: province, currency: 'CNY', regions: [{ country: 'CN', province }], rates, cod },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

/** A market rule that refuses cash on delivery to Tibet (Xizang), and nothing else. */
export const NO_COD_TO_TIBET = {
  name: 'No COD to Tibet',
  scope: { country: 'CN', province: 'Xizang' },
  conditions: { currency: 'CNY', codLimit: 0 },
};
