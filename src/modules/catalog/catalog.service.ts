import type { Updateable } from 'kysely';
import { recordChange } from '../../platform/audit/audit-recorder.js';
import type { Conn, Db, Trx } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { AppError, type FieldError, invalid, notFound } from '../../platform/errors.js';
import { newId, UUID_PATTERN } from '../../platform/ids.js';
import {
  findCategoryById,
  findCategoryByIdOrSlug,
  findCategoryBySlug,
  findCategoryLineage,
  findProductById,
  findTakenSkus,
  findVariantsByProductIds,
  insertCategory,
  insertProducts,
  insertVariants,
  listCategories,
  lockProductById,
  refreshPriceRange,
  updateProductRow,
  updateVariantRow,
} from './catalog.repository.js';
import {
  type Category,
  type CreateCategoryBody,
  type CreateProductBody,
  type CreateVariantBody,
  MAX_VARIANTS,
  type Product,
  type UpdateProductBody,
  type UpdateVariantBody,
} from './catalog.schemas.js';
import type { ProductsTable } from './catalog.tables.js';
import { toCategory, toProduct } from './catalog-views.js';
import {
  checkAttributeDefinitions,
  mergeAttributeSchemas,
  validateAttributes,
} from './product-attributes.js';
import { checkNewVariants, priceRange, variantRow } from './product-variants.js';

const UUID = new RegExp(UUID_PATTERN);

const unprocessable = (errors: FieldError[]) =>
  new AppError('unprocessable', 'The request cannot be applied to the catalog', { errors });

const skuConflict = (skus: string[], errors: FieldError[] = []) =>
  new AppError('conflict', `SKU ${skus.join(', ')} is already used by another variant`, {
    skus,
    ...(errors.length > 0 ? { errors } : {}),
  });

/**
 * The unique indexes back the up-front checks when two requests race; their violation still names
 * the value, as the up-front check would have.
 */
function asConflict(error: unknown): unknown {
  const e = error as { code?: string; constraint?: string; detail?: string };
  if (e.code !== '23505') return error;
  const value = /\)=\((.*)\) already exists/.exec(e.detail ?? '')?.[1];
  if (e.constraint === 'variants_sku_key' && value) return skuConflict([value]);
  if (e.constraint === 'categories_slug_key' && value) {
    return new AppError('conflict', `A category with slug ${value} already exists`, { slug: value });
  }
  return error;
}

export async function listCategoryTree(db: Conn): Promise<Category[]> {
  return (await listCategories(db)).map(toCategory);
}

export async function createCategory(db: Db, body: CreateCategoryBody): Promise<Category> {
  const attributes = body.attributes ?? [];
  return inTransaction(db, async (trx) => {
    const parent = body.parentId ? await findCategoryById(trx, body.parentId) : undefined;
    const errors = checkAttributeDefinitions(attributes, 'body.attributes');
    if (body.parentId && !parent) errors.push({ field: 'body.parentId', message: 'is not a category' });
    // `category=` takes an id or a slug, so a slug must not read as an id.
    if (UUID.test(body.slug)) {
      errors.push({ field: 'body.slug', message: 'must not look like a category id' });
    }
    if (errors.length > 0) throw unprocessable(errors);
    if (await findCategoryBySlug(trx, body.slug)) {
      throw new AppError('conflict', `A category with slug ${body.slug} already exists`, { slug: body.slug });
    }
    const id = newId();
    const row = await insertCategory(trx, {
      id,
      parent_id: parent?.id ?? null,
      name: body.name,
      slug: body.slug,
      path: `${parent?.path ?? '/'}${id}/`,
      attributes: JSON.stringify(attributes),
    });
    return toCategory(row);
  }).catch((error) => {
    throw asConflict(error);
  });
}

/** The merged attribute schema of a category and its ancestors; undefined for no such category. */
async function attributeSchemaOf(db: Conn, categoryId: string) {
  const lineage = await findCategoryLineage(db, categoryId);
  return lineage.length > 0 ? mergeAttributeSchemas(lineage.map((c) => c.attributes)) : undefined;
}

/** A new product's category: `categoryId`, or `category` by id or slug as the filters take it. */
async function productCategoryId(db: Conn, body: CreateProductBody): Promise<string> {
  if (body.categoryId !== undefined && body.category !== undefined) {
    throw invalid([{ field: 'body.category', message: 'give category or categoryId, not both' }]);
  }
  if (body.category !== undefined) {
    const found = await findCategoryByIdOrSlug(db, body.category);
    if (!found) {
      throw unprocessable([
        { field: 'body.category', message: `no category has the id or slug ${body.category}` },
      ]);
    }
    return found.id;
  }
  if (body.categoryId === undefined) {
    throw invalid([
      { field: 'body.category', message: 'is required: a category id or slug (or categoryId)' },
    ]);
  }
  return body.categoryId;
}

async function assertSkusFree(trx: Trx, skus: string[], fieldOf: (index: number) => string): Promise<void> {
  const taken = await findTakenSkus(trx, skus);
  if (taken.length === 0) return;
  const errors = skus.flatMap((sku, i) =>
    taken.includes(sku) ? [{ field: `${fieldOf(i)}.sku`, message: `SKU ${sku} is already in use` }] : [],
  );
  throw skuConflict(taken, errors);
}

async function loadProduct(db: Conn, id: string): Promise<Product> {
  const row = await findProductById(db, id);
  if (!row) throw notFound('Product', id);
  return toProduct(row, await findVariantsByProductIds(db, [id]));
}

export async function getProduct(db: Db, id: string): Promise<Product> {
  return loadProduct(db, id);
}

export async function createProduct(db: Db, body: CreateProductBody): Promise<Product> {
  const attributes = body.attributes ?? {};
  const variantField = (i: number) => `body.variants[${i}]`;
  return inTransaction(db, async (trx) => {
    const categoryId = await productCategoryId(trx, body);
    const schema = await attributeSchemaOf(trx, categoryId);
    if (!schema) throw unprocessable([{ field: 'body.categoryId', message: 'is not a category' }]);
    const errors = [
      ...validateAttributes(schema, attributes),
      ...checkNewVariants(body.variants, undefined, variantField),
    ];
    if (errors.length > 0) throw unprocessable(errors);
    const skus = body.variants.map((v) => v.sku);
    await assertSkusFree(trx, skus, variantField);
    const id = newId();
    await insertProducts(trx, [
      {
        id,
        category_id: categoryId,
        title: body.title,
        description: body.description ?? '',
        status: body.status ?? 'draft',
        attributes: JSON.stringify(attributes),
        images: JSON.stringify(body.images ?? []),
        tax_category: body.taxCategory ?? 'standard',
        ...priceRange(body.variants.map((v) => v.price)),
      },
    ]);
    const variants = body.variants.map((v) => variantRow(id, v));
    await insertVariants(trx, variants);
    return loadProduct(trx, id);
  }).catch((error) => {
    throw asConflict(error);
  });
}

export async function updateProduct(db: Db, id: string, body: UpdateProductBody): Promise<Product> {
  return inTransaction(db, async (trx) => {
    const product = await lockProductById(trx, id);
    if (!product) throw notFound('Product', id);
    const changes: Updateable<ProductsTable> = {};
    if (body.attributes) {
      const schema = await attributeSchemaOf(trx, product.category_id);
      const errors = validateAttributes(schema ?? new Map(), body.attributes);
      if (errors.length > 0) throw unprocessable(errors);
      changes.attributes = JSON.stringify(body.attributes);
    }
    if (body.title !== undefined) changes.title = body.title;
    if (body.description !== undefined) changes.description = body.description;
    if (body.status !== undefined) changes.status = body.status;
    if (body.images !== undefined) changes.images = JSON.stringify(body.images);
    if (body.taxCategory !== undefined) changes.tax_category = body.taxCategory;
    if (Object.keys(changes).length > 0) {
      await updateProductRow(trx, id, changes);
      const fields = Object.keys(changes) as (keyof typeof changes)[];
      await recordChange(trx, {
        action: 'product.update',
        resource: 'product',
        resourceId: id,
        before: Object.fromEntries(fields.map((f) => [f, product[f as keyof typeof product]])),
        after: Object.fromEntries(fields.map((f) => [f, body[f as keyof typeof body]])),
      });
    }
    return loadProduct(trx, id);
  });
}

/** Changes a variant's price or title; placed orders keep the prices they were placed at. */
export async function updateVariant(
  db: Db,
  productId: string,
  sku: string,
  body: UpdateVariantBody,
): Promise<Product> {
  return inTransaction(db, async (trx) => {
    if (!(await lockProductById(trx, productId))) throw notFound('Product', productId);
    const variantOf = (p: Product) => p.variants.find((v) => v.sku === sku);
    const before = variantOf(await loadProduct(trx, productId));
    if (!before || !(await updateVariantRow(trx, productId, sku, body))) throw notFound('Variant', sku);
    await refreshPriceRange(trx, productId); // also stamps the product's updated_at
    const product = await loadProduct(trx, productId);
    const after = variantOf(product)!;
    await recordChange(trx, {
      action: 'variant.update',
      resource: 'variant',
      resourceId: sku,
      before: { price: before.price, currency: before.currency, title: before.title },
      after: { price: after.price, currency: after.currency, title: after.title },
      detail: { productId },
    });
    return product;
  });
}

export async function addVariant(db: Db, productId: string, body: CreateVariantBody): Promise<Product> {
  return inTransaction(db, async (trx) => {
    const product = await lockProductById(trx, productId);
    if (!product) throw notFound('Product', productId);
    const existing = await findVariantsByProductIds(trx, [productId]);
    if (existing.length >= MAX_VARIANTS) {
      throw unprocessable([{ field: 'body', message: `a product has at most ${MAX_VARIANTS} variants` }]);
    }
    const errors = checkNewVariants([body], existing[0]?.currency, () => 'body');
    if (errors.length > 0) throw unprocessable(errors);
    await assertSkusFree(trx, [body.sku], () => 'body');
    await insertVariants(trx, [variantRow(productId, body)]);
    await refreshPriceRange(trx, productId);
    return loadProduct(trx, productId);
  }).catch((error) => {
    throw asConflict(error);
  });
}
