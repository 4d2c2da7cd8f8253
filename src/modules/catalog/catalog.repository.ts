import { type Insertable, sql, type Updateable } from 'kysely';
import type { Conn, Trx } from '../../platform/db/database.js';
import { anyText } from '../../platform/db/row-sets.js';
import { UUID_PATTERN } from '../../platform/ids.js';
import type { AttributeType } from './catalog.schemas.js';
import type { CategoriesTable, ProductsTable, VariantsTable } from './catalog.tables.js';

const CATEGORY_COLUMNS = ['id', 'parent_id', 'name', 'slug', 'path', 'attributes', 'created_at'] as const;

/** Every product column but the tsvector, which is for the search's WHERE only. */
export const PRODUCT_COLUMNS = [
  'products.id',
  'products.category_id',
  'products.title',
  'products.description',
  'products.status',
  'products.attributes',
  'products.images',
  'products.tax_category',
  'products.min_price',
  'products.max_price',
  'products.created_at',
  'products.updated_at',
] as const;

const UUID = new RegExp(UUID_PATTERN);

const VARIANT_COLUMNS = [
  'id',
  'product_id',
  'sku',
  'title',
  'options',
  'price',
  'currency',
  'weight_grams',
] as const;

export async function hasAnyCategory(db: Conn): Promise<boolean> {
  return (await db.selectFrom('categories').select('id').limit(1).executeTakeFirst()) !== undefined;
}

export async function listCategories(db: Conn) {
  return db.selectFrom('categories').select(CATEGORY_COLUMNS).orderBy('path').execute();
}

export type CategoryRow = Awaited<ReturnType<typeof listCategories>>[number];

export async function findCategoryById(db: Conn, id: string): Promise<CategoryRow | undefined> {
  return db.selectFrom('categories').select(CATEGORY_COLUMNS).where('id', '=', id).executeTakeFirst();
}

export async function findCategoryBySlug(db: Conn, slug: string): Promise<CategoryRow | undefined> {
  return db.selectFrom('categories').select(CATEGORY_COLUMNS).where('slug', '=', slug).executeTakeFirst();
}

/** A category named as clients name it, by id or by slug (a slug never looks like an id). */
export async function findCategoryByIdOrSlug(db: Conn, ref: string): Promise<CategoryRow | undefined> {
  return UUID.test(ref) ? findCategoryById(db, ref) : findCategoryBySlug(db, ref);
}

/**
 * A category and its ancestors, root first; empty when there is no such category. An ancestor is a
 * category whose path is a prefix of this one's (paths hold only hex digits, '-' and '/', so no LIKE
 * wildcard can come from them):
 *
 *   select a.* from categories c join categories a on c.path like a.path || '%'
 *   where c.id = $1 order by length(a.path)
 */
export async function findCategoryLineage(db: Conn, id: string): Promise<CategoryRow[]> {
  return db
    .selectFrom('categories as c')
    .innerJoin('categories as a', (join) => join.on(sql<boolean>`c.path like a.path || '%'`))
    .select(CATEGORY_COLUMNS.map((column) => `a.${column}` as const))
    .where('c.id', '=', id)
    .orderBy(sql`length(a.path)`)
    .execute();
}

export async function insertCategory(trx: Trx, row: Insertable<CategoriesTable>): Promise<CategoryRow> {
  return trx.insertInto('categories').values(row).returning(CATEGORY_COLUMNS).executeTakeFirstOrThrow();
}

export async function insertCategories(trx: Trx, rows: Insertable<CategoriesTable>[]): Promise<void> {
  if (rows.length > 0) await trx.insertInto('categories').values(rows).execute();
}

/** Which attribute names are declared, and as what, in any category (for typing `attr.` filters). */
export async function findAttributeTypes(
  db: Conn,
  names: readonly string[],
): Promise<Map<string, Set<AttributeType>>> {
  const declared = new Map<string, Set<AttributeType>>();
  if (names.length === 0) return declared;
  const { rows } = await sql<{ name: string; type: AttributeType }>`
    select distinct a->>'name' as name, a->>'type' as type
    from categories, jsonb_array_elements(categories.attributes) as a
    where a->>'name' in (${sql.join(names)})`.execute(db);
  for (const r of rows) declared.set(r.name, (declared.get(r.name) ?? new Set()).add(r.type));
  return declared;
}

export async function findProductById(db: Conn, id: string) {
  return db.selectFrom('products').select(PRODUCT_COLUMNS).where('id', '=', id).executeTakeFirst();
}

export type ProductRow = NonNullable<Awaited<ReturnType<typeof findProductById>>>;

/** Holds the product row until commit, so variant and price changes to one product take turns. */
export async function lockProductById(trx: Trx, id: string): Promise<ProductRow | undefined> {
  return trx
    .selectFrom('products')
    .select(PRODUCT_COLUMNS)
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}

export async function insertProducts(trx: Trx, rows: Insertable<ProductsTable>[]): Promise<void> {
  if (rows.length > 0) await trx.insertInto('products').values(rows).execute();
}

export async function updateProductRow(
  trx: Trx,
  id: string,
  changes: Updateable<ProductsTable>,
): Promise<void> {
  await trx
    .updateTable('products')
    .set({ ...changes, updated_at: sql`now()` })
    .where('id', '=', id)
    .execute();
}

export async function updateVariantRow(
  trx: Trx,
  productId: string,
  sku: string,
  changes: Updateable<VariantsTable>,
): Promise<boolean> {
  const result = await trx
    .updateTable('variants')
    .set(changes)
    .where('product_id', '=', productId)
    .where('sku', '=', sku)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Sets min_price and max_price from the product's variants, after variants change. */
export async function refreshPriceRange(trx: Trx, productId: string): Promise<void> {
  await trx
    .updateTable('products')
    .set((eb) => ({
      min_price: eb
        .selectFrom('variants')
        .select((v) => v.fn.min('price').as('p'))
        .where('product_id', '=', productId),
      max_price: eb
        .selectFrom('variants')
        .select((v) => v.fn.max('price').as('p'))
        .where('product_id', '=', productId),
      updated_at: sql`now()`,
    }))
    .where('id', '=', productId)
    .execute();
}

export async function insertVariants(trx: Trx, rows: Insertable<VariantsTable>[]): Promise<void> {
  if (rows.length > 0) await trx.insertInto('variants').values(rows).execute();
}

export async function findVariantsByProductIds(db: Conn, productIds: readonly string[]) {
  if (productIds.length === 0) return [];
  return db
    .selectFrom('variants')
    .select(VARIANT_COLUMNS)
    .where('product_id', 'in', productIds)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

export type VariantRow = Awaited<ReturnType<typeof findVariantsByProductIds>>[number];

/** The SKUs of `skus` that some variant already has. */
export async function findTakenSkus(db: Conn, skus: readonly string[]): Promise<string[]> {
  if (skus.length === 0) return [];
  const rows = await db.selectFrom('variants').select('sku').where('sku', 'in', skus).execute();
  return rows.map((r) => r.sku);
}

/** What orders and carts need of each SKU, in one query. */
export async function findSkuDetails(db: Conn, skus: readonly string[]) {
  if (skus.length === 0) return [];
  return db
    .selectFrom('variants')
    .innerJoin('products', 'products.id', 'variants.product_id')
    .select([
      'variants.sku',
      'variants.id as variant_id',
      'variants.product_id',
      'variants.title as variant_title',
      'variants.price',
      'variants.currency',
      'products.title as product_title',
      'products.status',
      'products.category_id',
      'products.tax_category',
      'variants.weight_grams',
    ])
    .where('variants.sku', '=', anyText(skus))
    .execute();
}

/**
 * The category name of each SKU (for analytics by category); unknown SKUs are absent. The SKUs travel as
 * one array (`= any($1)`), not an `in` list: a list's every length is a statement of its own, and each
 * distinct statement stays prepared on its connection (on PGlite, ~100 KB of its WebAssembly memory
 * apiece: an import's batches made 74 of them).
 */
export async function findSkuCategories(db: Conn, skus: readonly string[]): Promise<Map<string, string>> {
  if (skus.length === 0) return new Map();
  const rows = await db
    .selectFrom('variants')
    .innerJoin('products', 'products.id', 'variants.product_id')
    .innerJoin('categories', 'categories.id', 'products.category_id')
    .select(['variants.sku', 'categories.name'])
    .where('variants.sku', '=', anyText(skus))
    .execute();
  return new Map(rows.map((r) => [r.sku, r.name]));
}
