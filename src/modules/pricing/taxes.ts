import { share } from './allocate.js';
import { samePlace as same } from './places.js';
import type { TaxRate } from './pricing.schemas.js';
import type { PricingAddress } from './pricing.types.js';

export interface TaxLine {
  rateId: string;
  name: string;
  country: string;
  province: string | null;
  category: string;
  basisPoints: number;
  inclusive: boolean;
  /** The discounted goods it was computed on (tax included when inclusive). */
  taxable: number;
  amount: number;
}

/** The province's own rate for the category, else the country's; none means untaxed. */
export function taxRateFor(
  rates: readonly TaxRate[],
  address: PricingAddress,
  category: string,
): TaxRate | undefined {
  const candidates = rates.filter((r) => r.country === address.country && r.category === category);
  return (
    candidates.find((r) => r.province !== null && same(r.province, address.province)) ??
    candidates.find((r) => r.province === null)
  );
}

/**
 * A line's tax on its discounted amount, rounded half up per line: contained in it when the region's
 * prices include tax (amount × r ÷ (1 + r)), added on top when they do not (amount × r).
 */
export const lineTax = (rate: TaxRate, amount: number): number =>
  rate.inclusive
    ? share(amount, rate.basisPoints, 10_000 + rate.basisPoints)
    : share(amount, rate.basisPoints, 10_000);
