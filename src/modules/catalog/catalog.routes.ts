import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Role } from '../../platform/auth/roles.js';
import type { Db } from '../../platform/db/database.js';
import {
  Category,
  CategoryList,
  CreateCategoryBody,
  CreateProductBody,
  CreateVariantBody,
  Product,
  ProductIdParams,
  ProductPage,
  ProductSearchQuery,
  UpdateProductBody,
  UpdateVariantBody,
  VariantParams,
} from './catalog.schemas.js';
import {
  addVariant,
  createCategory,
  createProduct,
  getProduct,
  listCategoryTree,
  updateProduct,
  updateVariant,
} from './catalog.service.js';
import type { ProductListCache } from './product-list-cache.js';
import { attributeParams } from './product-search.js';
import type { InStockSkus } from './product-search.repository.js';
import { findProducts } from './product-search.service.js';
import type { SkuDirectory } from './skus.js';

// Catalog reads serve shops and every back office; writes are for admins only (no roles listed).
const readers = { roles: ['storefront', 'support', 'channel', 'warehouse', 'finance'] satisfies Role[] };
const tags = ['catalog'];

/** What these routes use. */
export interface CatalogDeps {
  db: Db;
  skus: SkuDirectory;
  productLists: ProductListCache;
  /** Inventory's in-stock subquery, for `in_stock=true`. */
  inStockSkus: InStockSkus;
}

export const catalogRoutes: FastifyPluginAsyncTypebox<{ deps: CatalogDeps }> = async (app, { deps }) => {
  // A catalog write shows in this process's orders and lists at once: the caches are cleared before
  // the answer.
  app.addHook('onSend', async (request, _reply, payload) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      deps.skus.forget();
      deps.productLists.forget();
    }
    return payload;
  });
  app.get(
    '/categories',
    { config: readers, schema: { tags, summary: 'The category tree', response: { 200: CategoryList } } },
    async () => ({ data: await listCategoryTree(deps.db) }),
  );

  app.post(
    '/categories',
    {
      schema: {
        tags,
        summary: 'Create a category with its attribute schema',
        body: CreateCategoryBody,
        response: { 201: Category },
      },
    },
    async (request, reply) => reply.status(201).send(await createCategory(deps.db, request.body)),
  );

  app.get(
    '/products',
    {
      config: readers,
      schema: {
        tags,
        summary: 'Search and filter products (active ones unless status is given)',
        description:
          'Also takes `attr.<name>=value` per attribute: values of one name are ORed (`attr.colour=red,blue`), ' +
          'names ANDed; numbers and booleans are typed by the attribute schema. Price filters match products ' +
          'whose [minPrice, maxPrice] range overlaps [price_min, price_max].',
        querystring: ProductSearchQuery,
        response: { 200: ProductPage },
      },
    },
    async (request, reply) => {
      const json = await deps.productLists.page(request.url, async () =>
        String(
          reply.serialize(
            await findProducts(deps.db, request.query, attributeParams(request.query), deps.inStockSkus),
          ),
        ),
      );
      // Serialized already, by this route's own response schema (reply.serialize): sent as it is.
      return reply.type('application/json; charset=utf-8').send(json as never);
    },
  );

  app.post(
    '/products',
    {
      schema: {
        tags,
        summary: 'Create a product with its variants',
        body: CreateProductBody,
        response: { 201: Product },
      },
    },
    async (request, reply) => reply.status(201).send(await createProduct(deps.db, request.body)),
  );

  app.get(
    '/products/:id',
    {
      config: readers,
      schema: { tags, summary: 'A product', params: ProductIdParams, response: { 200: Product } },
    },
    async (request) => getProduct(deps.db, request.params.id),
  );

  app.patch(
    '/products/:id',
    {
      schema: {
        tags,
        summary: 'Change a product',
        params: ProductIdParams,
        body: UpdateProductBody,
        response: { 200: Product },
      },
    },
    async (request) => updateProduct(deps.db, request.params.id, request.body),
  );

  app.patch(
    '/products/:id/variants/:sku',
    {
      schema: {
        tags,
        summary: "Change a variant's price or title (answers the product)",
        params: VariantParams,
        body: UpdateVariantBody,
        response: { 200: Product },
      },
    },
    async (request) => updateVariant(deps.db, request.params.id, request.params.sku, request.body),
  );

  app.post(
    '/products/:id/variants',
    {
      schema: {
        tags,
        summary: 'Add a variant (answers the product)',
        params: ProductIdParams,
        body: CreateVariantBody,
        response: { 201: Product },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await addVariant(deps.db, request.params.id, request.body)),
  );
};
