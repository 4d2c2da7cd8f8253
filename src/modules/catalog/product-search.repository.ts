import { type SelectQueryBuilder, sql } from 'kysely';
import type { Conn, Database } from '../../platform/db/database.js';
import { PRODUCT_COLUMNS } from './catalog.repository.js';
import type { ProductStatus } from './catalog.schemas.js';
import type { AttributeFilter, SearchPosition } from './product-search.js';

// created_at to the microsecond: a JS Date would cut it to milliseconds and the keyset would skip rows.
const createdAtKey = sql<string>`to_char(products.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * A subquery selecting `sku` for every SKU with sellable stock. Stock is inventory's, and inventory
 * builds on catalog, so the in-stock filter is handed in (app-services.ts) rather than imported.
 */
export type InStockSkus = (db: Conn) => SelectQueryBuilder<Database, keyof Database, { sku: string }>;

export interface ProductSearch {
  /** A prefix tsquery from buildPrefixTsQuery. */
  tsquery?: string;
  status?: ProductStatus;
  /** The category's path ('/id/id/'): it and its descendants. */
  categoryPath?: string;
  attributes: AttributeFilter[];
  priceMin?: number;
  priceMax?: number;
  /** Only products with a variant in stock, when given. */
  inStock?: InStockSkus | undefined;
  sort: SearchPosition['sort'];
  after?: SearchPosition;
  limit: number;
}

/**
 * One page of products, `limit` rows at most. The filters, each only when asked for:
 *
 *   where status = $status
 *     and category_id in (select id from categories where path like $path || '%')
 *     and search @@ to_tsquery('simple', $q)
 *     and (attributes @> '{"material":"linen"}' or attributes @> '{"material":"wool"}') and …
 *     and max_price >= $price_min and min_price <= $price_max      -- the price ranges overlap
 *     and exists (select 1 from variants v where v.product_id = products.id and v.sku in (<in stock>))
 *
 * then the keyset of the sort: (created_at, id) < ($1, $2) for newest, (min_price, id) > or < for
 * price, an offset for relevance (ranks are not stable keys). Attribute containment can use the
 * jsonb_path_ops GIN index and the text match the tsvector GIN index; the category subquery reads
 * the categories path index (paths hold only hex digits, '-' and '/', so no LIKE wildcard).
 */
export async function searchProducts(db: Conn, s: ProductSearch) {
  let q = db
    .selectFrom('products')
    .select(PRODUCT_COLUMNS)
    .select(createdAtKey.as('created_at_key'))
    .limit(s.limit);

  if (s.status) q = q.where('products.status', '=', s.status);
  if (s.categoryPath !== undefined) {
    q = q.where('products.category_id', 'in', (eb) =>
      eb.selectFrom('categories as c').select('c.id').where('c.path', 'like', `${s.categoryPath}%`),
    );
  }
  if (s.tsquery) q = q.where(sql<boolean>`products.search @@ to_tsquery('simple', ${s.tsquery})`);
  for (const filter of s.attributes) {
    q = q.where((eb) =>
      eb.or(
        filter.anyOf.map(
          (value) => sql<boolean>`products.attributes @> ${JSON.stringify({ [filter.name]: value })}::jsonb`,
        ),
      ),
    );
  }
  if (s.priceMin !== undefined) q = q.where('products.max_price', '>=', s.priceMin);
  if (s.priceMax !== undefined) q = q.where('products.min_price', '<=', s.priceMax);
  const inStock = s.inStock;
  if (inStock) {
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('variants')
          .select(sql`1`.as('one'))
          .whereRef('variants.product_id', '=', 'products.id')
          .where('variants.sku', 'in', inStock(db)),
      ),
    );
  }

  const after = s.after;
  switch (s.sort) {
    case 'newest':
      if (after?.sort === 'newest') {
        q = q.where(
          sql<boolean>`(products.created_at, products.id) < (${after.createdAt}::timestamptz, ${after.id}::uuid)`,
        );
      }
      return q.orderBy('products.created_at', 'desc').orderBy('products.id', 'desc').execute();
    case 'price_asc':
      if (after?.sort === 'price_asc') {
        q = q.where(
          sql<boolean>`(products.min_price, products.id) > (${after.minPrice}::bigint, ${after.id}::uuid)`,
        );
      }
      return q.orderBy('products.min_price', 'asc').orderBy('products.id', 'asc').execute();
    case 'price_desc':
      if (after?.sort === 'price_desc') {
        q = q.where(
          sql<boolean>`(products.min_price, products.id) < (${after.minPrice}::bigint, ${after.id}::uuid)`,
        );
      }
      return q.orderBy('products.min_price', 'desc').orderBy('products.id', 'desc').execute();
    case 'relevance':
      return q
        .orderBy(sql`ts_rank(products.search, to_tsquery('simple', ${s.tsquery ?? ''}))`, 'desc')
        .orderBy('products.created_at', 'desc')
        .orderBy('products.id', 'desc')
        .offset(after?.sort === 'relevance' ? after.offset : 0)
        .execute();
  }
}

export type ProductSearchRow = Awaited<ReturnType<typeof searchProducts>>[number];
