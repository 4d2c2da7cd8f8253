import { describe, expect, it } from 'vitest';
import { expectProblem, useTestApp } from '../../../test/helpers/test-app.js';
import { inStockSkus } from '../inventory/index.js';
import { catalogTestKit } from './catalog.test-kit.js';

describe('product search', () => {
  const t = useTestApp();
  const { get, created, variant, fields } = catalogTestKit(t);

  const titles = (res: { json(): { data: { title: string }[] } }) => res.json().data.map((p) => p.title);
  const search = async (query: string) => {
    const res = await get(`/v1/products?category=kitchenware&${query}`);
    expect(res.statusCode, res.body).toBe(200);
    return res;
  };
  const ids: Record<string, string> = {};

  it('sets up products to find', async () => {
    const root = await created('/v1/categories', {
      name: 'Kitchenware',
      slug: 'kitchenware',
      attributes: [
        { name: 'colour', type: 'enum', required: true, values: ['red', 'blue', 'green'] },
        { name: 'weight', type: 'number', required: false },
        { name: 'organic', type: 'boolean', required: false },
      ],
    });
    const teaware = await created('/v1/categories', {
      name: 'Teaware',
      slug: 'kitchen-teaware',
      parentId: root.id,
    });
    const make = async (
      title: string,
      categoryId: string,
      attributes: object,
      prices: number[],
      more = {},
    ) => {
      const p = await created('/v1/products', {
        categoryId,
        title,
        status: 'active',
        attributes,
        variants: prices.map((price) => variant(price)),
        ...more,
      });
      ids[title] = p.id;
    };
    // Created in this order: newest last.
    await make('Crimson Kettle', root.id, { colour: 'red' }, [5000]);
    await make('Cobalt Teapot', teaware.id, { colour: 'blue' }, [4000, 3000], {
      description: 'With a crimson lid.',
    });
    await make('Emerald Teacup', root.id, { colour: 'green', organic: true }, [1000]);
    await make('Crimson Teacup', teaware.id, { colour: 'red', weight: 250 }, [2000]);
    await make('Crimson Draft', root.id, { colour: 'red' }, [100], { status: 'draft' });
  });

  it('finds words by prefix in title and description, ranking title matches first', async () => {
    expect(titles(await search('q=teac')).sort()).toEqual(['Crimson Teacup', 'Emerald Teacup']);
    expect(titles(await search('q=CRIM%20tea')).sort()).toEqual(['Cobalt Teapot', 'Crimson Teacup']);
    const ranked = titles(await search('q=crimson'));
    expect(ranked).toHaveLength(3);
    expect(ranked.at(-1)).toBe('Cobalt Teapot');
    expect(titles(await search('q=nothing-like-this'))).toEqual([]);
    // Nothing but punctuation: no text filter at all.
    expect(titles(await search(`q=${encodeURIComponent("'&|!:*")}`))).toHaveLength(4);
  });

  it('takes a category by id or slug, with its descendants', async () => {
    expect(titles(await get('/v1/products?category=kitchen-teaware')).sort()).toEqual([
      'Cobalt Teapot',
      'Crimson Teacup',
    ]);
    const rootId = (await get('/v1/categories'))
      .json()
      .data.find((c: { slug: string }) => c.slug === 'kitchenware').id;
    expect(titles(await get(`/v1/products?category=${rootId}`))).toHaveLength(4);
    const unknown = expectProblem(await get('/v1/products?category=no-such-category'), 400);
    expect(unknown.errors).toEqual([
      { field: 'querystring.category', message: 'no category has the id or slug no-such-category' },
    ]);
    expectProblem(await get('/v1/products?category=01938a5e-7c1f-7b3a-9d2e-4f5a6b7c8d9e'), 400);
  });

  it('filters by attributes, typed by their declared type', async () => {
    expect(titles(await search('attr.colour=red')).sort()).toEqual(['Crimson Kettle', 'Crimson Teacup']);
    expect(titles(await search('attr.colour=red,blue'))).toHaveLength(3);
    expect(titles(await search('attr.colour=red&attr.weight=250'))).toEqual(['Crimson Teacup']);
    expect(titles(await search('attr.organic=true'))).toEqual(['Emerald Teacup']);
    const unheard = expectProblem(await get('/v1/products?attr.unheardOf=1&attr.colour=red'), 400);
    expect(unheard.errors).toEqual([
      { field: 'querystring.attr.unheardOf', message: 'no category has the attribute unheardOf' },
    ]);
    const bad = await get('/v1/products?attr.weight=heavy&attr.organic=maybe');
    expect(fields(expectProblem(bad, 400))).toEqual(['querystring.attr.organic', 'querystring.attr.weight']);
    expectProblem(await get('/v1/products?colour=red'), 400);
  });

  it('filters by overlapping price range and status', async () => {
    expect(titles(await search('price_min=3500&price_max=4500'))).toEqual(['Cobalt Teapot']);
    expect(titles(await search('price_min=4500')).sort()).toEqual(['Crimson Kettle']);
    expect(titles(await search('price_max=1000'))).toEqual(['Emerald Teacup']);
    expectProblem(await get('/v1/products?price_min=10&price_max=5'), 400);
    expect(titles(await search('status=draft'))).toEqual(['Crimson Draft']);
    expect(titles(await search('status=any'))).toHaveLength(5);
  });

  it('sorts by price both ways and by newest', async () => {
    const byPrice = ['Emerald Teacup', 'Crimson Teacup', 'Cobalt Teapot', 'Crimson Kettle'];
    expect(titles(await search('sort=price_asc'))).toEqual(byPrice);
    expect(titles(await search('sort=price_desc'))).toEqual([...byPrice].reverse());
    const newest = ['Crimson Teacup', 'Emerald Teacup', 'Cobalt Teapot', 'Crimson Kettle'];
    expect(titles(await search(''))).toEqual(newest);
    expect(titles(await search('sort=newest'))).toEqual(newest);
    const summary = (await search('sort=price_asc')).json().data[2];
    expect(summary).toMatchObject({ minPrice: 3000, maxPrice: 4000, currency: 'CNY' });
    expect(summary.variants.map((v: { price: number }) => v.price)).toEqual([4000, 3000]);
    expect(summary).not.toHaveProperty('description');
  });

  it('walks every page of every sort once', async () => {
    for (const query of ['sort=newest', 'sort=price_asc', 'sort=price_desc', 'q=c', 'status=any']) {
      const all = titles(await search(query));
      const walked: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await search(`${query}&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
        walked.push(...titles(res));
        cursor = res.json().nextCursor;
      } while (cursor);
      expect(walked, query).toEqual(all);
      expect(new Set(walked).size).toBe(walked.length);
    }
  });

  it('refuses cursors it did not give out for this sort', async () => {
    const { nextCursor } = (await search('sort=price_asc&limit=1')).json();
    expectProblem(await get(`/v1/products?category=kitchenware&sort=newest&cursor=${nextCursor}`), 400);
    expectProblem(await get('/v1/products?cursor=bm90LWEtY3Vyc29y'), 400);
  });

  it('filters to products in stock', async (context) => {
    try {
      inStockSkus(t().db);
    } catch (error) {
      if ((error as Error).message === 'not implemented')
        return context.skip('inventory.inStockSkus is a stub');
    }
    const kettle = (await get(`/v1/products/${ids['Crimson Kettle']}`)).json();
    // Stock is inventory's; a catalog test sets it straight in its tables.
    const warehouseId = '01938a5e-7c1f-7b3a-9d2e-4f5a6b7c8d90';
    await t()
      .db.insertInto('warehouses')
      .values({ id: warehouseId, code: 'CAT-TEST', name: 'Catalog test', country: 'CN', region: 'east' })
      .execute();
    await t()
      .db.insertInto('stock_levels')
      .values({ sku: kettle.variants[0].sku, warehouse_id: warehouseId, on_hand: 5 })
      .execute();
    expect(titles(await search('in_stock=true'))).toEqual(['Crimson Kettle']);
    expect(titles(await search('in_stock=false'))).toHaveLength(4);
  });

  it('finds Chinese and Japanese words inside titles and descriptions, not only as prefixes', async () => {
    const teaware = await created('/v1/categories', { name: '茶具', slug: 'cjk-teaware', attributes: [] });
    for (const [title, description] of [
      ['青瓷茶具套装', '龙泉青瓷，一壶四杯'],
      ['白瓷茶杯', '景德镇手工茶具'],
      ['和風の茶碗', '手作りの器'],
      ['Linen napkins', '亚麻餐巾'],
    ]) {
      await created('/v1/products', {
        categoryId: teaware.id,
        title,
        description,
        status: 'active',
        variants: [variant()],
      });
    }
    const found = async (q: string) =>
      titles(await get(`/v1/products?category=cjk-teaware&q=${encodeURIComponent(q)}`));
    // a title match ranks above a description match
    expect(await found('茶具')).toEqual(['青瓷茶具套装', '白瓷茶杯']);
    expect(await found('瓷茶具')).toEqual(['青瓷茶具套装']);
    expect((await found('茶杯')).sort()).toEqual(['白瓷茶杯']);
    expect((await found('杯')).sort()).toEqual(['白瓷茶杯', '青瓷茶具套装']);
    expect(await found('茶碗')).toEqual(['和風の茶碗']);
    expect(await found('餐巾 linen')).toEqual(['Linen napkins']);
    // the characters must be adjacent, in order
    expect(await found('具茶')).toEqual([]);
    expect(await found('青具')).toEqual([]);
    // prefixes still match
    expect(await found('青瓷')).toEqual(['青瓷茶具套装']);
  });
});
