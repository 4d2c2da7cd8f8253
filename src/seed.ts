import { seedDemoArticles } from './modules/aftersales/index.js';
import { isCatalogEmpty, seedDemoCatalog } from './modules/catalog/index.js';
import { seedDemoInventory } from './modules/inventory/index.js';
import { seedDemoShipping } from './modules/pricing/index.js';
import type { Db } from './platform/db/database.js';

export { type DemoOrders, seedDemoOrders } from './demo/demo-data.js';
export { isCatalogEmpty };

/** Demo data for a first start: a catalog, warehouses in three regions, stock, and shipping in China. */
export async function seedDemoData(db: Db) {
  const catalog = await seedDemoCatalog(db);
  const inventory = await seedDemoInventory(db, catalog.skus);
  await seedDemoArticles(db);
  await seedDemoShipping(db);
  return {
    products: catalog.products,
    skus: catalog.skus.length,
    warehouses: inventory.warehouses,
    /** The SKUs made, for the demo's orders. */
    skuCodes: catalog.skus,
  };
}
