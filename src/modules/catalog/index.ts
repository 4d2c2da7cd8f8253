// CONTRACT: the only file other modules import from catalog.
import type { Conn, Db } from '../../platform/db/database.js';
import type { Module } from '../../platform/module.js';
import { hasAnyCategory } from './catalog.repository.js';
import { type CatalogDeps, catalogRoutes } from './catalog.routes.js';
import { loadDemoCatalog } from './demo-catalog.js';
import * as m1122_0200 from './migrations/20261122_0200_catalog.js';
import * as m1204_2340 from './migrations/20261204_2340_cjk_search.js';
import * as m1205_1505 from './migrations/20261205_1505_tax_category.js';

export { findSkuCategories } from './catalog.repository.js';
export type { CatalogDeps } from './catalog.routes.js';
export type { Category, Product, ProductStatus, ProductSummary, Variant } from './catalog.schemas.js';
export { ProductListCache } from './product-list-cache.js';
export type { InStockSkus } from './product-search.repository.js';
export { resolveSkus, SkuDirectory, type SkuInfo, type SkuLookup } from './skus.js';

export async function isCatalogEmpty(db: Conn): Promise<boolean> {
  return !(await hasAnyCategory(db));
}

/** Loads the demo catalog; returns the SKUs created. */
export async function seedDemoCatalog(db: Db): Promise<{ products: number; skus: string[] }> {
  return loadDemoCatalog(db);
}

export const catalogModule = {
  name: 'catalog',
  migrations: {
    '20261122_0200_catalog': m1122_0200,
    '20261204_2340_cjk_search': m1204_2340,
    '20261205_1505_tax_category': m1205_1505,
  },
  routes: [catalogRoutes],
} satisfies Module<CatalogDeps>;
