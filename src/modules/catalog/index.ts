// CONTRACT: the only file other modules import from catalog.
import type { Conn, Db } from '../../platform/db/database.js';
import { findSkuDetails, hasAnyCategory } from './catalog.repository.js';
import { loadDemoCatalog } from './demo-catalog.js';

export { catalogRoutes } from './catalog.routes.js';
export type { Category, Product, ProductStatus, ProductSummary, Variant } from './catalog.schemas.js';

/** What orders and carts need to know of a SKU. */
export interface SkuInfo {
  sku: string;
  variantId: string;
  productId: string;
  /** Product title plus variant title, e.g. "Linen shirt — M / white". */
  title: string;
  price: number;
  currency: string;
  /** The product is active (not draft or archived). */
  sellable: boolean;
}

/** Looks SKUs up in one query; unknown SKUs are simply absent from the map. */
export async function resolveSkus(db: Conn, skus: readonly string[]): Promise<Map<string, SkuInfo>> {
  const rows = await findSkuDetails(db, [...new Set(skus)]);
  return new Map(
    rows.map((r) => [
      r.sku,
      {
        sku: r.sku,
        variantId: r.variant_id,
        productId: r.product_id,
        title: r.variant_title ? `${r.product_title} — ${r.variant_title}` : r.product_title,
        price: r.price,
        currency: r.currency,
        sellable: r.status === 'active',
      },
    ]),
  );
}

export async function isCatalogEmpty(db: Conn): Promise<boolean> {
  return !(await hasAnyCategory(db));
}

/** Loads the demo catalog; returns the SKUs created. */
export async function seedDemoCatalog(db: Db): Promise<{ products: number; skus: string[] }> {
  return loadDemoCatalog(db);
}
