import type { Conn } from '../../platform/db/database.js';
import { findSkuDetails } from './catalog.repository.js';

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
  categoryId: string;
  /** Which tax rates apply to it (pricing's tax-rates). */
  taxCategory: string;
  weightGrams: number | null;
}

export type SkuLookup = (db: Conn, skus: readonly string[]) => Promise<Map<string, SkuInfo>>;

/** Looks SKUs up in one query; unknown SKUs are simply absent from the map. */
export const resolveSkus: SkuLookup = async (db, skus) => {
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
        categoryId: r.category_id,
        taxCategory: r.tax_category,
        weightGrams: r.weight_grams,
      },
    ]),
  );
};

/**
 * resolveSkus with a short memory, for the order and cart paths, where the lookup is one round trip
 * of a handful and the catalog rarely changes. A catalog write through this process forgets
 * everything at once; other processes see it within `ttlMs` (CATALOG_CACHE_MS; 0 turns this off).
 * SKUs not found are not remembered, so a new product sells at once.
 */
export class SkuDirectory {
  readonly #known = new Map<string, { info: SkuInfo; until: number }>();

  constructor(private readonly ttlMs: number) {}

  readonly resolve: SkuLookup = async (db, skus) => {
    const now = Date.now();
    const found = new Map<string, SkuInfo>();
    const missing: string[] = [];
    for (const sku of skus) {
      const hit = this.#known.get(sku);
      if (hit && hit.until > now) found.set(sku, hit.info);
      else missing.push(sku);
    }
    if (missing.length === 0) return found;
    const looked = await resolveSkus(db, missing);
    if (this.ttlMs > 0) {
      if (this.#known.size > 50_000) this.#known.clear();
      for (const [sku, info] of looked) this.#known.set(sku, { info, until: now + this.ttlMs });
    }
    for (const [sku, info] of looked) found.set(sku, info);
    return found;
  };

  forget(): void {
    this.#known.clear();
  }
}
