import type { Conn } from '../../platform/db/database.js';
import type { PricingRules } from './price-order.js';
import { findCoupons, listPromotions, listTaxRates, listZones } from './pricing.repository.js';
import type { Promotion } from './pricing.schemas.js';

/** The rules every checkout needs: automatic promotions, zones, tax rates. */
interface StandingRules extends PricingRules {
  /** Some automatic promotion asks whether this is the customer's first order. */
  asksFirstOrder: boolean;
}

/**
 * The standing rules, held in memory: a checkout reads none of them from the database. A rule saved
 * through this process forgets them at once; other processes see a change within `ttlMs` (the
 * catalog's CATALOG_CACHE_MS; 0 reads them every time). Loads running at once share one read.
 */
export class PricingRulesCache {
  #loaded: { rules: Promise<StandingRules>; until: number } | undefined;

  constructor(private readonly ttlMs: number) {}

  standing(db: Conn): Promise<StandingRules> {
    const now = Date.now();
    if (this.#loaded && this.#loaded.until > now) return this.#loaded.rules;
    const rules = load(db);
    this.#loaded = { rules, until: this.ttlMs > 0 ? now + this.ttlMs : 0 };
    rules.catch(() => {
      if (this.#loaded?.rules === rules) this.#loaded = undefined;
    });
    return rules;
  }

  forget(): void {
    this.#loaded = undefined;
  }
}

async function load(db: Conn): Promise<StandingRules> {
  const [promotions, zones, taxRates] = await Promise.all([
    listPromotions(db, 'automatic'),
    listZones(db),
    listTaxRates(db),
  ]);
  return { promotions, zones, taxRates, asksFirstOrder: promotions.some((p) => p.conditions.firstOrder) };
}

/** A buyer as limits count them: the e-mail, trimmed and lower-cased. */
export const customerKey = (email: string): string => email.trim().toLowerCase();

/**
 * The rules for one cart: the standing ones plus the coupons it names (one query, with this
 * customer's uses of each), and whether any of them asks about a first order.
 */
export async function rulesFor(
  db: Conn,
  cache: PricingRulesCache,
  couponCodes: readonly string[] | undefined,
  email: string | undefined,
): Promise<{ rules: PricingRules; uses: Record<string, number>; asksFirstOrder: boolean }> {
  const codes = [...new Set((couponCodes ?? []).map((c) => c.toLowerCase()))];
  const [standing, coupons] = await Promise.all([
    cache.standing(db),
    findCoupons(db, codes, email === undefined ? undefined : customerKey(email)),
  ]);
  const promotions: Promotion[] = [...standing.promotions, ...coupons.promotions];
  return {
    rules: { promotions, zones: standing.zones, taxRates: standing.taxRates },
    uses: coupons.uses,
    asksFirstOrder: standing.asksFirstOrder || coupons.promotions.some((p) => p.conditions.firstOrder),
  };
}
