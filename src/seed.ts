import { seedDemoArticles } from './modules/aftersales/index.js';
import { isCatalogEmpty, seedDemoCatalog } from './modules/catalog/index.js';
import { seedDemoInventory } from './modules/inventory/index.js';
import type { Db } from './platform/db/database.js';

export { isCatalogEmpty };

/** Demo data for a first start: a catalog, warehouses in three regions, and stock. */
export async function seedDemoData(db: Db) {
  const catalog = await seedDemoCatalog(db);
  const inventory = await seedDemoInventory(db, catalog.skus);
  await seedDemoArticles(db);
  return { products: catalog.products, skus: catalog.skus.length, warehouses: inventory.warehouses };
}
