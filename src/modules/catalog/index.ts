// CONTRACT (filled in by the catalog work): the only file other modules import from catalog.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../app.js';
import type { Conn, Db } from '../../platform/db/database.js';

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
export async function resolveSkus(_db: Conn, _skus: readonly string[]): Promise<Map<string, SkuInfo>> {
  throw new Error('not implemented');
}

export async function isCatalogEmpty(_db: Conn): Promise<boolean> {
  throw new Error('not implemented');
}

/** Loads the demo catalog; returns the SKUs created. */
export async function seedDemoCatalog(_db: Db): Promise<{ products: number; skus: string[] }> {
  throw new Error('not implemented');
}

export const catalogRoutes: FastifyPluginAsyncTypebox<{ deps: AppDeps }> = async () => {};
