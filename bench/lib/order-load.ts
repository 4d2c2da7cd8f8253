/** The order load of bench:orders, shared with the benches that measure what follows an order. */
import type { Pool } from 'undici';
import { apiCaller } from './api.js';

/** The API as the bench's admin: the parsed body of a 200/201, a throw for anything else. */
export function okCaller(pool: Pool, key?: string) {
  const request = apiCaller(pool, key);
  return async function call(method: 'GET' | 'POST' | 'PUT', url: string, body?: unknown) {
    const res = await request(method, url, body);
    if (res.status !== 200 && res.status !== 201)
      throw new Error(`${method} ${url} → ${res.status} ${JSON.stringify(res.json).slice(0, 200)}`);
    return res.json;
  };
}

/**
 * `skuCount` SKUs (bench:orders: BENCH_SKUS, default 200) with effectively unlimited stock, so every order can succeed and we
 * measure the write path. Few SKUs make every order queue on the same stock rows (see bench:flash
 * for one hot SKU).
 */
export async function prepareCatalog(call: Caller, skuCount: number): Promise<string[]> {
  const category = await call('POST', '/v1/categories', {
    name: 'Bench',
    slug: `bench-${Date.now()}`,
    attributes: [],
  });
  const skus: string[] = [];
  for (let p = 0; p < skuCount / 5; p++) {
    const variants = Array.from({ length: 5 }, (_, v) => ({
      sku: `BENCH-${p}-${v}`,
      title: `v${v}`,
      price: 1000 + p * 100 + v,
      currency: 'CNY',
    }));
    await call('POST', '/v1/products', {
      categoryId: category.id,
      title: `Bench product ${p}`,
      status: 'active',
      attributes: {},
      variants,
    });
    skus.push(...variants.map((v) => v.sku));
  }
  const wh = await call('POST', '/v1/warehouses', {
    code: 'BENCH-WH',
    name: 'Bench',
    country: 'CN',
    region: 'Shanghai',
    priority: 1,
  });
  await Promise.all(
    skus.map((sku) => call('PUT', `/v1/inventory/${sku}/${wh.code}`, { onHand: 10_000_000 })),
  );
  return skus;
}

export const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)]!;
export const address = {
  name: 'Bench',
  phone: '+8613800000000',
  country: 'CN',
  province: 'Shanghai',
  city: 'Shanghai',
  line1: '1 Bench Road',
};

export function randomLines(skus: string[]) {
  const n = 1 + Math.floor(Math.random() * 3);
  const chosen = new Set<string>();
  while (chosen.size < n) chosen.add(pick(skus));
  return [...chosen].map((sku) => ({ sku, quantity: 1 + Math.floor(Math.random() * 2) }));
}

/** bench:checkout's basket: two different SKUs, one or two of each. */
export function twoLines(skus: string[]) {
  const first = pick(skus);
  let second = pick(skus);
  while (second === first) second = pick(skus);
  return [first, second].map((sku) => ({ sku, quantity: 1 + Math.floor(Math.random() * 2) }));
}

export type Caller = ReturnType<typeof okCaller>;

/** One order of 1–3 random SKUs for `email` (a new buyer per call unless given), paid in the sandbox later. */
export const placeOrder = (call: Caller, skus: string[], email?: string) =>
  call('POST', '/v1/orders', {
    customer: { email: email ?? `bench${Math.floor(Math.random() * 1e6)}@example.com` },
    lines: randomLines(skus),
    addresses: { home: address },
    paymentMethod: 'sandbox',
  });
