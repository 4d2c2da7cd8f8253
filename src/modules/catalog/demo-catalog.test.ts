import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../../test/helpers/test-app.js';
import { isCatalogEmpty, resolveSkus, seedDemoCatalog } from './index.js';

describe('demo catalog', () => {
  const t = useTestApp();
  let skus: string[] = [];

  it('loads at least 20 products and 50 SKUs into an empty catalog', async () => {
    expect(await isCatalogEmpty(t().db)).toBe(true);
    const started = performance.now();
    const seeded = await seedDemoCatalog(t().db);
    const elapsed = performance.now() - started;
    skus = seeded.skus;
    expect(seeded.products).toBeGreaterThanOrEqual(20);
    expect(skus.length).toBeGreaterThanOrEqual(50);
    expect(await isCatalogEmpty(t().db)).toBe(false);
    // Generous for a loaded CI machine; it takes well under a second on PGlite.
    expect(elapsed).toBeLessThan(5000);

    const listed = await t().request({
      method: 'GET',
      url: '/v1/products?limit=200',
      key: await t().keyFor('storefront'),
    });
    expect(listed.json().data).toHaveLength(seeded.products);
  });

  it('resolves SKUs in one call, absent when unknown', async () => {
    const resolved = await resolveSkus(t().db, ['SHIRT-LIN-M-WHT', 'CHG-65W', 'NO-SUCH-SKU', 'CHG-65W']);
    expect([...resolved.keys()].sort()).toEqual(['CHG-65W', 'SHIRT-LIN-M-WHT']);
    expect(resolved.get('SHIRT-LIN-M-WHT')).toMatchObject({
      title: 'Linen Shirt — M / White',
      price: 29900,
      currency: 'CNY',
      sellable: true,
      variantId: expect.any(String),
      productId: expect.any(String),
    });
    expect(resolved.get('CHG-65W')?.title).toBe('USB-C Fast Charger 65W');
    expect((await resolveSkus(t().db, [])).size).toBe(0);
    expect((await resolveSkus(t().db, skus)).size).toBe(skus.length);
  });

  it('does not sell an archived product', async () => {
    const { productId } = (await resolveSkus(t().db, ['CHG-65W'])).get('CHG-65W')!;
    const res = await t().request({
      method: 'PATCH',
      url: `/v1/products/${productId}`,
      payload: { status: 'archived' },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect((await resolveSkus(t().db, ['CHG-65W'])).get('CHG-65W')?.sellable).toBe(false);
  });

  it('is searchable in English and Chinese, by category tree and attributes', async () => {
    const titles = async (query: string) => {
      const res = await t().request({ method: 'GET', url: `/v1/products?${query}` });
      expect(res.statusCode, res.body).toBe(200);
      return res
        .json()
        .data.map((p: { title: string }) => p.title)
        .sort();
    };
    expect(await titles('q=linen')).toEqual(['Linen Shirt', 'Linen Tea Towels, set of 4']);
    expect(await titles(`q=${encodeURIComponent('纯棉')}`)).toEqual(['纯棉圆领短袖T恤']);
    expect(await titles('category=electronics&attr.noiseCancelling=true')).toEqual([
      'Noise-Cancelling Over-Ear Headphones',
    ]);
    expect(await titles('category=apparel&attr.material=linen,silk')).toEqual([
      'Linen Shirt',
      '真丝印花连衣裙',
    ]);
    expect(await titles('attr.warrantyMonths=24&attr.wireless=false')).toEqual(['Portable 4K Monitor 15.6"']);
  });
});
