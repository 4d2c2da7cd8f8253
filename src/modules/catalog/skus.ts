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
  /** In the order they were read, so by expiry: `until` is the read time plus the one span. */
  readonly #known = new Map<string, { info: SkuInfo; until: number; usedAt: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly lookup: SkuLookup = resolveSkus,
  ) {}

  readonly resolve: SkuLookup = async (db, skus) => {
    const now = Date.now();
    const found = new Map<string, SkuInfo>();
    const missing: string[] = [];
    for (const sku of skus) {
      const hit = this.#known.get(sku);
      if (hit && hit.until > now) {
        hit.usedAt = now;
        found.set(sku, hit.info);
      } else missing.push(sku);
    }
    if (missing.length === 0) return found;
    const ahead = this.#dueSoon(now, new Set(missing));
    const looked = await this.lookup(db, [...missing, ...ahead.keys()]);
    if (this.ttlMs > 0) {
      if (this.#known.size > 50_000) this.#known.clear();
      for (const sku of [...missing, ...ahead.keys()]) this.#known.delete(sku);
      for (const [sku, info] of looked)
        this.#known.set(sku, { info, until: now + this.ttlMs, usedAt: ahead.get(sku) ?? now });
    }
    for (const sku of missing) {
      const info = looked.get(sku);
      if (info) found.set(sku, info);
    }
    return found;
  };

  /**
   * SKUs read in the last two spans and expiring within half of one (or expired), with when each was
   * last read: renewed along with a miss, one lookup keeps a shop's selling SKUs, which otherwise
   * expired one or two at a time and cost a lookup every other order (bench:checkout, 200 SKUs).
   * Those not read for longer are dropped.
   */
  #dueSoon(now: number, besides: Set<string>): Map<string, number> {
    const due = new Map<string, number>();
    if (this.ttlMs === 0) return due;
    for (const [sku, hit] of this.#known) {
      if (hit.until >= now + this.ttlMs / 2 || due.size === 500) break;
      if (besides.has(sku)) continue;
      if (hit.usedAt > now - 2 * this.ttlMs) due.set(sku, hit.usedAt);
      else if (hit.until <= now) this.#known.delete(sku);
    }
    return due;
  }

  forget(): void {
    this.#known.clear();
  }
}
