import { describe, expect, it } from 'vitest';
import { expectProblem, useTestApp } from '../../../test/helpers/test-app.js';
import { catalogTestKit } from './catalog.test-kit.js';

describe('catalog', () => {
  const t = useTestApp();
  const { post, get, created, variant, fields } = catalogTestKit(t);

  describe('categories', () => {
    it('nests categories by path and lists the tree parents first', async () => {
      const root = await created('/v1/categories', { name: 'Clothing', slug: 'clothing', attributes: [] });
      const child = await created('/v1/categories', { name: 'Shirts', slug: 'shirts', parentId: root.id });
      const leaf = await created('/v1/categories', {
        name: 'Linen shirts',
        slug: 'linen-shirts',
        parentId: child.id,
      });
      expect(root).toMatchObject({ parentId: null, path: `/${root.id}/`, depth: 0, attributes: [] });
      expect(leaf).toMatchObject({
        parentId: child.id,
        path: `/${root.id}/${child.id}/${leaf.id}/`,
        depth: 2,
      });

      const res = await t().request({
        method: 'GET',
        url: '/v1/categories',
        key: await t().keyFor('storefront'),
      });
      expect(res.statusCode).toBe(200);
      const ids = res.json().data.map((c: { id: string }) => c.id);
      expect(ids.indexOf(root.id)).toBeLessThan(ids.indexOf(child.id));
      expect(ids.indexOf(child.id)).toBeLessThan(ids.indexOf(leaf.id));
    });

    it('refuses an unknown parent, a bad attribute schema (422) and a taken slug (409)', async () => {
      const missing = '01938a5e-7c1f-7b3a-9d2e-4f5a6b7c8d9e';
      const body = expectProblem(
        await post('/v1/categories', {
          name: 'X',
          slug: 'orphan',
          parentId: missing,
          attributes: [
            { name: 'colour', type: 'enum', required: true },
            { name: 'colour', type: 'string', required: false },
          ],
        }),
        422,
        'unprocessable',
      );
      expect(fields(body)).toEqual(['body.attributes[0].values', 'body.attributes[1].name', 'body.parentId']);

      await created('/v1/categories', { name: 'Taken', slug: 'taken' });
      const conflict = expectProblem(
        await post('/v1/categories', { name: 'Again', slug: 'taken' }),
        409,
        'conflict',
      );
      expect(conflict.detail).toContain('taken');
    });

    it('refuses bad slugs, attribute names and unknown fields with 400', async () => {
      const res = await post('/v1/categories', {
        name: 'Bad',
        slug: 'Not A Slug',
        attributes: [{ name: '1st', type: 'date', required: true }],
        colour: 'red',
      });
      const body = expectProblem(res, 400, 'validation_failed');
      expect(fields(body)).toEqual(
        expect.arrayContaining([
          'body.slug',
          'body.attributes[0].name',
          'body.attributes[0].type',
          'body.colour',
        ]),
      );
    });
  });

  describe('products', () => {
    let root: { id: string };
    let child: { id: string };

    it('sets up a category with a parent schema and a child that overrides it', async () => {
      root = await created('/v1/categories', {
        name: 'Garden',
        slug: 'garden',
        attributes: [
          { name: 'material', type: 'enum', required: true, values: ['steel', 'wood'] },
          { name: 'size', type: 'string', required: false },
        ],
      });
      child = await created('/v1/categories', {
        name: 'Planters',
        slug: 'planters',
        parentId: root.id,
        attributes: [
          { name: 'size', type: 'number', required: true, label: 'Diameter (cm)' },
          { name: 'frostProof', type: 'boolean', required: false },
        ],
      });
    });

    it('validates attributes against the category and its ancestors, naming each bad one (422)', async () => {
      const res = await post('/v1/products', {
        categoryId: child.id,
        title: 'Planter',
        attributes: { material: 'plastic', frostProof: 'yes', colour: 'green' },
        variants: [variant()],
      });
      const body = expectProblem(res, 422, 'unprocessable');
      expect(body.errors).toEqual(
        expect.arrayContaining([
          { field: 'body.attributes.material', message: 'must be one of: steel, wood' },
          { field: 'body.attributes.frostProof', message: 'must be true or false' },
          { field: 'body.attributes.colour', message: 'is not an attribute of this category' },
          { field: 'body.attributes.size', message: 'is required by the category' },
        ]),
      );
      expect(body.errors).toHaveLength(4);

      // The child's `size` is a number; in the parent it is an optional string.
      const wrongType = await post('/v1/products', {
        categoryId: child.id,
        title: 'Planter',
        attributes: { material: 'wood', size: '40' },
        variants: [variant()],
      });
      expect(fields(expectProblem(wrongType, 422))).toEqual(['body.attributes.size']);
      await created('/v1/products', {
        categoryId: root.id,
        title: 'Trellis',
        attributes: { material: 'wood', size: 'large' },
        variants: [variant()],
      });
    });

    it('takes the category by slug or id as `category`, as the filters do', async () => {
      const bySlug = await created('/v1/products', {
        category: 'planters',
        title: 'Slug planter',
        attributes: { material: 'wood', size: 30 },
        variants: [variant()],
      });
      expect(bySlug.categoryId).toBe(child.id);
      const byId = await created('/v1/products', {
        category: child.id,
        title: 'Id planter',
        attributes: { material: 'wood', size: 30 },
        variants: [variant()],
      });
      expect(byId.categoryId).toBe(child.id);
      const unknown = await post('/v1/products', {
        category: 'no-such-slug',
        title: 'Nowhere',
        variants: [variant()],
      });
      expect(expectProblem(unknown, 422).errors).toEqual([
        { field: 'body.category', message: 'no category has the id or slug no-such-slug' },
      ]);
      expect(
        fields(
          expectProblem(await post('/v1/products', { title: 'No category', variants: [variant()] }), 400),
        ),
      ).toEqual(['body.category']);
      const both = await post('/v1/products', {
        category: 'planters',
        categoryId: child.id,
        title: 'Both',
        variants: [variant()],
      });
      expect(fields(expectProblem(both, 400))).toEqual(['body.category']);
    });

    it('refuses an unknown category with 422, unknown fields and oversized strings with 400', async () => {
      const ghost = await post('/v1/products', {
        categoryId: '01938a5e-7c1f-7b3a-9d2e-4f5a6b7c8d9e',
        title: 'Ghost',
        variants: [variant()],
      });
      expect(fields(expectProblem(ghost, 422))).toEqual(['body.categoryId']);

      const res = await post('/v1/products', {
        categoryId: root.id,
        title: 'x'.repeat(201),
        description: 'y'.repeat(200_000),
        sale: true,
        variants: [{ ...variant(), price: 9.99, currency: 'cny', stock: 3 }],
      });
      expect(fields(expectProblem(res, 400, 'validation_failed'))).toEqual([
        'body.description',
        'body.sale',
        'body.title',
        'body.variants[0].currency',
        'body.variants[0].price',
        'body.variants[0].stock',
      ]);
      expectProblem(
        await post('/v1/products', { categoryId: root.id, title: 'No variants', variants: [] }),
        400,
      );
      expectProblem(await get('/v1/products/not-a-uuid'), 400);
      expectProblem(await get('/v1/products/01938a5e-7c1f-7b3a-9d2e-4f5a6b7c8d9e'), 404, 'not_found');
    });

    it('creates a product in draft with its price range, and keeps the range as variants are added', async () => {
      const product = await created('/v1/products', {
        categoryId: child.id,
        title: 'Steel Planter',
        description: 'Powder-coated steel.',
        attributes: { material: 'steel', size: 40, frostProof: true },
        images: ['https://images.example.com/planter.jpg'],
        variants: [variant(3000, { title: 'Black', options: { colour: 'black' } }), variant(2000)],
      });
      expect(product).toMatchObject({
        status: 'draft',
        minPrice: 2000,
        maxPrice: 3000,
        currency: 'CNY',
        attributes: { material: 'steel', size: 40, frostProof: true },
      });
      expect(product.variants).toHaveLength(2);
      expect(product.variants[0]).toMatchObject({
        title: 'Black',
        options: { colour: 'black' },
        price: 3000,
      });

      const more = await created(`/v1/products/${product.id}/variants`, variant(500));
      expect(more).toMatchObject({ minPrice: 500, maxPrice: 3000 });
      expect(more.variants).toHaveLength(3);
      const dearer = await created(`/v1/products/${product.id}/variants`, variant(9000));
      expect(dearer).toMatchObject({ minPrice: 500, maxPrice: 9000 });

      const usd = await post(`/v1/products/${product.id}/variants`, { ...variant(), currency: 'USD' });
      expect(fields(expectProblem(usd, 422))).toEqual(['body.currency']);
      expect((await get(`/v1/products/${product.id}`)).json().variants).toHaveLength(4);
    });

    it("changes a variant's price and title, keeping the product's price range", async () => {
      const cheap = variant(2000);
      const product = await created('/v1/products', {
        categoryId: root.id,
        title: 'Stool',
        attributes: { material: 'wood' },
        variants: [variant(3000), cheap],
      });
      const patch = (sku: string, payload: object) =>
        t().request({ method: 'PATCH', url: `/v1/products/${product.id}/variants/${sku}`, payload });

      const res = await patch(cheap.sku, { price: 4500, title: 'Oak' });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({ minPrice: 3000, maxPrice: 4500 });
      expect(res.json().variants.find((v: { sku: string }) => v.sku === cheap.sku)).toMatchObject({
        price: 4500,
        title: 'Oak',
      });
      expect((await get(`/v1/products/${product.id}`)).json()).toMatchObject({ maxPrice: 4500 });

      expectProblem(await patch('NO-SUCH-SKU', { price: 1 }), 404, 'not_found');
      expectProblem(await patch(cheap.sku, {}), 400);
      expectProblem(await patch(cheap.sku, { price: -1 }), 400);
      expectProblem(await patch(cheap.sku, { price: 1.5 }), 400);
      const support = await t().keyFor('support');
      const denied = await t().request({
        method: 'PATCH',
        url: `/v1/products/${product.id}/variants/${cheap.sku}`,
        payload: { price: 1 },
        key: support,
      });
      expectProblem(denied, 403, 'forbidden');
      expect((await get(`/v1/products/${product.id}`)).json()).toMatchObject({
        minPrice: 3000,
        maxPrice: 4500,
      });
    });

    it('keeps one currency per product', async () => {
      const res = await post('/v1/products', {
        categoryId: root.id,
        title: 'Mixed',
        attributes: { material: 'wood' },
        variants: [variant(), { ...variant(), currency: 'USD' }],
      });
      expect(fields(expectProblem(res, 422))).toEqual(['body.variants[1].currency']);
    });

    it('refuses a SKU already in use with 409 naming it, and writes nothing', async () => {
      const first = variant();
      await created('/v1/products', {
        categoryId: root.id,
        title: 'First',
        attributes: { material: 'wood' },
        variants: [first],
      });
      const res = await post('/v1/products', {
        categoryId: root.id,
        title: 'Second with a taken SKU',
        attributes: { material: 'wood' },
        variants: [variant(), first],
      });
      const body = expectProblem(res, 409, 'conflict');
      expect(body.detail).toContain(first.sku);
      expect(body.skus).toEqual([first.sku]);
      expect(body.errors).toEqual([
        { field: 'body.variants[1].sku', message: `SKU ${first.sku} is already in use` },
      ]);
      const listed = (await get('/v1/products?q=taken&status=any')).json().data;
      expect(listed).toEqual([]);

      const other = await created('/v1/products', {
        categoryId: root.id,
        title: 'Other',
        attributes: { material: 'wood' },
        variants: [variant()],
      });
      expectProblem(
        await post(`/v1/products/${other.id}/variants`, { ...variant(), sku: first.sku }),
        409,
        'conflict',
      );
      const repeated = await post('/v1/products', {
        categoryId: root.id,
        title: 'Repeats',
        attributes: { material: 'wood' },
        variants: [first, first].map((v) => ({ ...v, sku: 'REPEATED' })),
      });
      expect(fields(expectProblem(repeated, 422))).toEqual(['body.variants[1].sku']);
    });

    it('PATCHes fields, validating attributes again', async () => {
      const product = await created('/v1/products', {
        categoryId: child.id,
        title: 'Oak Planter',
        attributes: { material: 'wood', size: 30 },
        variants: [variant()],
      });
      const url = `/v1/products/${product.id}`;
      const res = await t().request({
        method: 'PATCH',
        url,
        payload: {
          title: 'Oak Planter, large',
          status: 'active',
          attributes: { material: 'wood', size: 50 },
          images: [],
        },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json()).toMatchObject({
        title: 'Oak Planter, large',
        status: 'active',
        attributes: { size: 50 },
      });
      expect(Date.parse(res.json().updatedAt)).toBeGreaterThanOrEqual(
        Date.parse(product.updatedAt as string),
      );

      const bad = await t().request({ method: 'PATCH', url, payload: { attributes: { material: 'wood' } } });
      expect(fields(expectProblem(bad, 422))).toEqual(['body.attributes.size']);
      expectProblem(await t().request({ method: 'PATCH', url, payload: { price: 1 } }), 400);
      expectProblem(await t().request({ method: 'PATCH', url, payload: { status: 'sold' } }), 400);
      const ghost = '01938a5e-7c1f-7b3a-9d2e-4f5a6b7c8d9e';
      expectProblem(await t().request({ method: 'PATCH', url: `/v1/products/${ghost}`, payload: {} }), 404);
      expect((await get(url)).json()).toMatchObject({
        title: 'Oak Planter, large',
        attributes: { size: 50 },
      });
    });

    it('lets every reading role read and only admins write', async () => {
      const storefront = await t().keyFor('storefront');
      const product = await created('/v1/products', {
        categoryId: root.id,
        title: 'Bench',
        attributes: { material: 'wood' },
        variants: [variant()],
      });
      for (const role of ['storefront', 'support', 'channel', 'warehouse', 'finance'] as const) {
        const key = await t().keyFor(role);
        for (const url of ['/v1/categories', '/v1/products', `/v1/products/${product.id}`]) {
          expect((await t().request({ method: 'GET', url, key })).statusCode, `${role} ${url}`).toBe(200);
        }
      }
      const writes = [
        { method: 'POST' as const, url: '/v1/categories', payload: { name: 'S', slug: 'storefront-made' } },
        {
          method: 'POST' as const,
          url: '/v1/products',
          payload: { categoryId: root.id, title: 'S', variants: [variant()] },
        },
        { method: 'PATCH' as const, url: `/v1/products/${product.id}`, payload: { title: 'S' } },
        { method: 'POST' as const, url: `/v1/products/${product.id}/variants`, payload: variant() },
      ];
      for (const w of writes) expectProblem(await t().request({ ...w, key: storefront }), 403, 'forbidden');
    });
  });

  it('documents every catalog route in OpenAPI', async () => {
    const doc = (await t().request({ method: 'GET', url: '/openapi.json', key: null })).json();
    for (const path of [
      '/v1/categories',
      '/v1/products',
      '/v1/products/{id}',
      '/v1/products/{id}/variants',
      '/v1/products/{id}/variants/{sku}',
    ]) {
      expect(Object.keys(doc.paths)).toContain(path);
    }
  });
});
