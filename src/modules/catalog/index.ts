// CONTRACT: the only file other modules import from catalog.
import type { Conn, Db } from '../../platform/db/database.js';
import { hasAnyCategory } from './catalog.repository.js';
import { loadDemoCatalog } from './demo-catalog.js';

export { catalogRoutes } from './catalog.routes.js';
export type { Category, Product, ProductStatus, ProductSummary, Variant } from './catalog.schemas.js';
export { ProductListCache } from './product-list-cache.js';
export { resolveSkus, SkuDirectory, type SkuInfo, type SkuLookup } from './skus.js';

export async function isCatalogEmpty(db: Conn): Promise<boolean> {
  return !(await hasAnyCategory(db));
}

/** Loads the demo catalog; returns the SKUs created. */
export async function seedDemoCatalog(db: Db): Promise<{ products: number; skus: string[] }> {
  return loadDemoCatalog(db);
}
