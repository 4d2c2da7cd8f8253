import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import { type InStockSkus, ProductListCache, SkuDirectory } from './modules/catalog/index.js';
import { MarketRules } from './modules/compliance/index.js';
import { plannedParcels } from './modules/delivery/index.js';
import type { ShippingPlans } from './modules/fulfillment/index.js';
import { inStockSkus } from './modules/inventory/index.js';
import type { OrderHooks } from './modules/orders/index.js';
import { PricingRulesCache } from './modules/pricing/index.js';
import type { Brokers } from './modules/sync/index.js';
import { ApiKeyResolver } from './platform/auth/api-keys.js';
import type { Config } from './platform/config.js';
import type { DatabaseKind } from './platform/db/connect.js';
import type { Db } from './platform/db/database.js';

/**
 * Everything the modules may ask for, made once per process. A module never sees this type: its
 * routes and jobs declare the few members they use (`CatalogDeps`, `OrderDeps`, …), and the module
 * list (src/modules.ts) checks that these services satisfy them.
 */
export interface AppServices {
  db: Db;
  dbKind: DatabaseKind;
  config: Config;
  log: FastifyBaseLogger;
  apiKeys: ApiKeyResolver;
  /** SKU prices and status for the order and cart paths, briefly cached (CATALOG_CACHE_MS). */
  skus: SkuDirectory;
  /** Product-list pages, briefly cached the same way (CATALOG_CACHE_MS). */
  productLists: ProductListCache;
  /** Automatic promotions, shipping zones and tax rates, cached the same way (CATALOG_CACHE_MS). */
  pricingRules: PricingRulesCache;
  /** Inventory's in-stock subquery, for catalog's in-stock filter (catalog does not import inventory). */
  inStockSkus: InStockSkus;
  /** Delivery's plan, fulfillment's default warehouse and carrier (fulfillment does not import delivery). */
  shippingPlans: ShippingPlans;
  /** What the modules that build on orders plug into its life cycle. */
  orderHooks: OrderHooks;
  /** Compliance's market rules, read once, and the refusals they count (written before the app closes). */
  marketRules: MarketRules;
  /** Flash-sale gate and shared rate limits; absent in the embedded default. */
  redis: Redis | undefined;
  /** Links to the configured brokers (AMQP_URL, NATS_URL), shared with the relay; `/readyz` checks them. */
  brokers: Brokers;
}

/**
 * `hooksOf` makes the order hooks from the other services (`(s) => orderHooksOf(modules, s)`): a
 * module's hooks may use one of them (compliance's market rules).
 */
export function buildServices(
  given: Pick<AppServices, 'db' | 'dbKind' | 'config' | 'log' | 'redis' | 'brokers'>,
  hooksOf: (services: AppServices) => OrderHooks,
): AppServices {
  const services: AppServices = {
    ...given,
    apiKeys: new ApiKeyResolver(given.db),
    skus: new SkuDirectory(given.config.catalogCacheMs),
    productLists: new ProductListCache(given.config.catalogCacheMs),
    pricingRules: new PricingRulesCache(given.config.catalogCacheMs),
    inStockSkus,
    shippingPlans: plannedParcels,
    marketRules: new MarketRules(given.db, given.config.pseudonymKey),
    orderHooks: { onPlacing: [], onCancelled: [], onDelivered: [], detailSections: [] },
  };
  services.orderHooks = hooksOf(services);
  return services;
}
