import type { Insertable } from 'kysely';
import type { Db } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { newId } from '../../platform/ids.js';
import { insertCategories, insertProducts, insertVariants } from './catalog.repository.js';
import type { AttributeDefinition } from './catalog.schemas.js';
import type { CategoriesTable, ProductsTable, VariantsTable } from './catalog.tables.js';
import { DEMO_CATEGORIES, DEMO_PRODUCTS } from './demo-products.js';
import { mergeAttributeSchemas, validateAttributes } from './product-attributes.js';
import { priceRange, variantRow } from './product-variants.js';

const CURRENCY = 'CNY';
const HOUR_MS = 3_600_000;

/**
 * The demo catalog's rows, with fresh ids. Products are dated an hour apart, the last the newest, so
 * "newest" has a visible order. Throws (a bug in the data) if a product does not satisfy its
 * category's attribute schema.
 */
export function demoCatalogRows(now = Date.now()) {
  const categories = new Map<string, Insertable<CategoriesTable> & { path: string }>();
  const lineage = new Map<string, AttributeDefinition[][]>();
  for (const c of DEMO_CATEGORIES) {
    const parent = c.parent ? categories.get(c.parent) : undefined;
    if (c.parent && !parent) throw new Error(`demo category ${c.slug}: parent ${c.parent} must come first`);
    const id = newId();
    categories.set(c.slug, {
      id,
      parent_id: parent?.id ?? null,
      name: c.name,
      slug: c.slug,
      path: `${parent?.path ?? '/'}${id}/`,
      attributes: JSON.stringify(c.attributes),
    });
    lineage.set(c.slug, [...(c.parent ? (lineage.get(c.parent) ?? []) : []), c.attributes]);
  }

  const products: Insertable<ProductsTable>[] = [];
  const variants: Insertable<VariantsTable>[] = [];
  DEMO_PRODUCTS.forEach((p, i) => {
    const category = categories.get(p.category);
    if (!category) throw new Error(`demo product ${p.sku}: no category ${p.category}`);
    const errors = validateAttributes(mergeAttributeSchemas(lineage.get(p.category) ?? []), p.attributes);
    if (errors.length > 0) throw new Error(`demo product ${p.sku}: ${JSON.stringify(errors)}`);
    const id = newId();
    const createdAt = new Date(now - (DEMO_PRODUCTS.length - i) * HOUR_MS);
    products.push({
      id,
      category_id: category.id,
      title: p.title,
      description: p.description,
      status: 'active',
      attributes: JSON.stringify(p.attributes),
      images: JSON.stringify([`https://images.example.com/ordersync/demo/${p.sku.toLowerCase()}.jpg`]),
      ...priceRange(p.variants.map((v) => v.price)),
      created_at: createdAt,
      updated_at: createdAt,
    });
    for (const v of p.variants) {
      const sku = v.code ? `${p.sku}-${v.code}` : p.sku;
      variants.push({
        ...variantRow(id, { sku, title: v.title, options: v.options, price: v.price, currency: CURRENCY }),
        created_at: createdAt,
      });
    }
  });

  return { categories: [...categories.values()], products, variants };
}

/** Loads the demo catalog in one transaction, one multi-row insert per table. */
export async function loadDemoCatalog(db: Db): Promise<{ products: number; skus: string[] }> {
  const rows = demoCatalogRows();
  await inTransaction(db, async (trx) => {
    await insertCategories(trx, rows.categories);
    await insertProducts(trx, rows.products);
    await insertVariants(trx, rows.variants);
  });
  return { products: rows.products.length, skus: rows.variants.map((v) => v.sku) };
}
