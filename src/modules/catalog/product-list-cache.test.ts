import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../../test/helpers/test-app.js';
import { catalogTestKit } from './catalog.test-kit.js';

describe('product lists served from memory (CATALOG_CACHE_MS)', () => {
  // Long enough that nothing expires during the test: what changes the answer is a write.
  const t = useTestApp({ catalogCacheMs: 60_000 });
  const { get, created, variant } = catalogTestKit(t);
  const titles = async (url: string) => {
    const res = await get(url);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    return (res.json() as { data: { title: string }[] }).data.map((p) => p.title).sort();
  };

  it('answers a page from memory until the catalog or stock changes through this process', async () => {
    const category = await created('/v1/categories', { name: 'Lamps', slug: 'lamps' });
    const lamp = await created('/v1/products', {
      categoryId: category.id,
      title: 'Desk lamp',
      status: 'active',
      variants: [variant(1500)],
    });
    const list = '/v1/products?category=lamps';
    const inStock = `${list}&in_stock=true`;
    expect(await titles(list)).toEqual(['Desk lamp']);
    expect(await titles(inStock)).toEqual([]);

    // Written behind the API's back (as another process would): this process still serves its page.
    await t()
      .db.updateTable('products')
      .set({ title: 'Renamed elsewhere' })
      .where('id', '=', lamp.id)
      .execute();
    expect(await titles(list)).toEqual(['Desk lamp']);

    // A catalog write through this process: every page is read afresh.
    await created('/v1/products', {
      categoryId: category.id,
      title: 'Floor lamp',
      status: 'active',
      variants: [variant(4500)],
    });
    expect(await titles(list)).toEqual(['Floor lamp', 'Renamed elsewhere']);
    expect(await titles(inStock)).toEqual([]);

    // So is a stock write: the lamp is in stock at once.
    await created('/v1/warehouses', { code: 'LAMP-WH', name: 'Lamps', country: 'CN', region: 'east' });
    const stocked = await t().request({
      method: 'PUT',
      url: `/v1/inventory/${lamp.variants[0].sku}/LAMP-WH`,
      payload: { onHand: 3 },
    });
    expect(stocked.statusCode, stocked.body).toBeLessThan(300);
    expect(await titles(inStock)).toEqual(['Renamed elsewhere']);
  });
});
