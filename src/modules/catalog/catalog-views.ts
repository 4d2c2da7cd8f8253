import type { CategoryRow, ProductRow, VariantRow } from './catalog.repository.js';
import type { Category, Product, ProductSummary, Variant } from './catalog.schemas.js';

/** Rows (snake_case, Dates) to the API's shapes (camelCase, ISO strings). */
export function toCategory(row: CategoryRow): Category {
  return {
    id: row.id,
    parentId: row.parent_id,
    name: row.name,
    slug: row.slug,
    path: row.path,
    depth: row.path.split('/').length - 3,
    attributes: row.attributes,
    createdAt: row.created_at.toISOString(),
  };
}

export function toVariant(row: VariantRow): Variant {
  return {
    id: row.id,
    sku: row.sku,
    title: row.title,
    options: row.options,
    price: row.price,
    currency: row.currency,
    weightGrams: row.weight_grams,
  };
}

export function toProductSummary(
  row: Omit<ProductRow, 'description'>,
  variants: VariantRow[],
): ProductSummary {
  return {
    id: row.id,
    categoryId: row.category_id,
    title: row.title,
    status: row.status,
    attributes: row.attributes,
    images: row.images,
    taxCategory: row.tax_category,
    minPrice: row.min_price ?? 0,
    maxPrice: row.max_price ?? 0,
    currency: variants[0]?.currency ?? '',
    variants: variants.map(toVariant),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

export function toProduct(row: ProductRow, variants: VariantRow[]): Product {
  return { ...toProductSummary(row, variants), description: row.description };
}

/** Groups variant rows by product id, keeping their order. */
export function variantsByProduct(rows: VariantRow[]): Map<string, VariantRow[]> {
  const byProduct = new Map<string, VariantRow[]>();
  for (const row of rows) {
    const list = byProduct.get(row.product_id);
    if (list) list.push(row);
    else byProduct.set(row.product_id, [row]);
  }
  return byProduct;
}
