import type { Conn } from '../../platform/db/database.js';
import { invalid } from '../../platform/errors.js';
import {
  findAttributeTypes,
  findCategoryByIdOrSlug,
  findVariantsByProductIds,
} from './catalog.repository.js';
import type { ProductSearchQuery, ProductSummary } from './catalog.schemas.js';
import { toProductSummary, variantsByProduct } from './catalog-views.js';
import {
  buildPrefixTsQuery,
  decodeSearchCursor,
  effectiveSort,
  encodeSearchCursor,
  type SearchPosition,
  typeAttributeFilters,
} from './product-search.js';
import { type InStockSkus, type ProductSearchRow, searchProducts } from './product-search.repository.js';

/** The next page's start: after the last row served, or for relevance after `served` rows. */
function positionAfter(sort: SearchPosition['sort'], last: ProductSearchRow, served: number): SearchPosition {
  switch (sort) {
    case 'newest':
      return { sort, createdAt: last.created_at_key, id: last.id };
    case 'price_asc':
    case 'price_desc':
      return { sort, minPrice: last.min_price ?? 0, id: last.id };
    case 'relevance':
      return { sort, offset: served };
  }
}

/**
 * The product list and search. `attributeParams` are the `attr.<name>` query parameters, which the
 * query schema admits by pattern and so cannot type.
 */
export async function findProducts(
  db: Conn,
  query: ProductSearchQuery,
  attributeParams: Map<string, string>,
  inStockSkus: InStockSkus,
): Promise<{ data: ProductSummary[]; nextCursor: string | null }> {
  if (query.price_min !== undefined && query.price_max !== undefined && query.price_min > query.price_max) {
    throw invalid([{ field: 'querystring.price_min', message: 'must not be above price_max' }]);
  }
  const tsquery = buildPrefixTsQuery(query.q);
  const sort = effectiveSort(query.sort, tsquery !== undefined);
  const after = decodeSearchCursor(sort, query.cursor);
  const [declared, category] = await Promise.all([
    findAttributeTypes(db, [...attributeParams.keys()]),
    query.category === undefined ? undefined : findCategoryByIdOrSlug(db, query.category),
  ]);
  // A filter that names nothing is a client's mistake (a typo, a stale link): say so, not "no products".
  if (query.category !== undefined && !category) {
    throw invalid([
      { field: 'querystring.category', message: `no category has the id or slug ${query.category}` },
    ]);
  }
  const attributes = typeAttributeFilters(attributeParams, declared);
  const limit = query.limit ?? 50;

  const rows = await searchProducts(db, {
    tsquery,
    status: query.status === 'any' ? undefined : (query.status ?? 'active'),
    categoryPath: category?.path,
    attributes,
    priceMin: query.price_min,
    priceMax: query.price_max,
    inStock: query.in_stock === true ? inStockSkus : undefined,
    sort,
    after,
    // One more than a page tells whether there is a next one.
    limit: limit + 1,
  });
  const page = rows.slice(0, limit);
  const ids = page.map((r) => r.id);
  const variants = variantsByProduct(await findVariantsByProductIds(db, ids));
  const last = page.at(-1);
  const served = (after?.sort === 'relevance' ? after.offset : 0) + page.length;
  const nextCursor =
    rows.length > limit && last ? encodeSearchCursor(positionAfter(sort, last, served)) : null;
  return { data: page.map((r) => toProductSummary(r, variants.get(r.id) ?? [])), nextCursor };
}
