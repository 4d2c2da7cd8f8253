import { samePlace as same } from './places.js';
import type { Region, ShippingRate, ShippingZone } from './pricing.schemas.js';
import type { PricingAddress } from './pricing.types.js';

export interface ShippingOption {
  /** carrier:service, what a checkout names to choose it. */
  id: string;
  carrier: string;
  service: string;
  price: number;
  minDays: number;
  maxDays: number;
}

/** How closely a region names the address: 3 city, 2 province, 1 country, 0 anywhere; -1 not at all. */
export function regionMatch(r: Region, a: PricingAddress): number {
  if (r.country !== '*' && r.country !== a.country) return -1;
  if (r.province !== undefined && !same(r.province, a.province)) return -1;
  if (r.city !== undefined && !same(r.city, a.city)) return -1;
  return r.city !== undefined ? 3 : r.province !== undefined ? 2 : r.country === '*' ? 0 : 1;
}

/** The zone that names the address most closely (city over province over country over anywhere). */
export function zoneFor(
  zones: readonly ShippingZone[],
  address: PricingAddress,
  currency: string,
): ShippingZone | undefined {
  let best: { zone: ShippingZone; score: number } | undefined;
  for (const zone of zones) {
    if (zone.currency !== null && zone.currency !== currency) continue;
    const score = Math.max(...zone.regions.map((r) => regionMatch(r, address)));
    if (score >= 0 && (!best || score > best.score)) best = { zone, score };
  }
  return best?.zone;
}

const fromTiers = (tiers: ReadonlyArray<{ upTo: number | null; price: number }>, measure: number) =>
  tiers.find((t) => t.upTo === null || measure <= t.upTo)?.price;

/** A rate's price for one parcel, or undefined when the parcel is beyond its last tier. */
export function ratePrice(
  rate: ShippingRate,
  parcel: { units: number; grams: number; value: number },
): number | undefined {
  switch (rate.basis) {
    case 'flat':
      return rate.price;
    case 'item':
      return parcel.units === 0 ? 0 : rate.first + rate.additional * (parcel.units - 1);
    case 'weight':
      return fromTiers(rate.tiers, parcel.grams);
    case 'value':
      return fromTiers(rate.tiers, parcel.value);
  }
}

/**
 * The options for one address's parcel, cheapest first: a rate is free from its threshold (compared
 * with the whole order's discounted goods subtotal) or under a free-shipping promotion.
 */
export function shippingOptions(
  zone: ShippingZone,
  parcel: { units: number; grams: number; value: number },
  orderGoods: number,
  freeShipping: boolean,
): ShippingOption[] {
  const options: ShippingOption[] = [];
  for (const rate of zone.rates) {
    const base = ratePrice(rate, parcel);
    if (base === undefined) continue;
    const free = freeShipping || (rate.freeFrom !== undefined && orderGoods >= rate.freeFrom);
    options.push({
      id: `${rate.carrier}:${rate.service}`,
      carrier: rate.carrier,
      service: rate.service,
      price: free ? 0 : base,
      minDays: rate.minDays,
      maxDays: rate.maxDays,
    });
  }
  return options.sort((a, b) => a.price - b.price || a.maxDays - b.maxDays || a.id.localeCompare(b.id));
}

/** An option's delivery promise in words, as the checkout and an order edit show it: "2–4 days". */
export const deliveryPromise = (o: Pick<ShippingOption, 'minDays' | 'maxDays'>): string =>
  o.minDays === o.maxDays ? `${o.maxDays} days` : `${o.minDays}–${o.maxDays} days`;
