export type { PricingAddress, PricingInput, PricingLine, PricingRules } from './pricing.types.js';

import type { FieldError } from '../../platform/errors.js';
import { ownValue } from '../../platform/own-value.js';
import type { OrderPricing, ShippingZone, TaxRate } from './pricing.schemas.js';
import type { PricingInput, PricingRules } from './pricing.types.js';
import { type AppliedPromotion, applyPromotions, type CouponOutcome } from './promotions.js';
import { type ShippingOption, shippingOptions, zoneFor } from './shipping.js';
import { lineTax, type TaxLine, taxRateFor } from './taxes.js';

export interface PricedLine {
  sku: string;
  quantity: number;
  unitPrice: number;
  lineTotal: number;
  /** This line's share of every promotion's discount. */
  discount: number;
  /** Tax on lineTotal − discount, contained in it when taxInclusive, added to it otherwise. */
  tax: number;
  taxBasisPoints: number;
  taxInclusive: boolean;
}

export interface Shipment {
  address: string;
  zone: string | null;
  options: ShippingOption[];
  chosen: ShippingOption | null;
  price: number;
}

export interface PricedOrder {
  currency: string;
  subtotal: number;
  discount: number;
  shipping: number;
  /** All tax, included or added. */
  tax: number;
  /** The part of tax added on top of prices (US-style); included tax is already in the subtotal. */
  taxAdded: number;
  codFee: number;
  grandTotal: number;
  lines: PricedLine[];
  shipments: Shipment[];
  taxLines: TaxLine[];
  promotions: AppliedPromotion[];
  coupons: CouponOutcome[];
  cod: { available: boolean; reason: string | null; fee: number };
  /** What keeps the order from being placed as it is (no shipping there, an option not offered, …). */
  problems: FieldError[];
}

function ship(input: PricingInput, rules: PricingRules, goods: readonly number[], free: boolean) {
  const orderGoods = goods.reduce((s, g) => s + g, 0);
  const problems: FieldError[] = [];
  const keys = [...new Set(input.lines.map((l) => l.shipTo))];
  const zones = new Map<string, ShippingZone | undefined>();
  const shipments = keys.map((key): Shipment => {
    const address = ownValue(input.addresses, key)!;
    const zone = zoneFor(rules.zones, address, input.currency);
    zones.set(key, zone);
    const parcel = { units: 0, grams: 0, value: 0 };
    input.lines.forEach((l, i) => {
      if (l.shipTo !== key) return;
      parcel.units += l.quantity;
      parcel.grams += (l.weightGrams ?? 0) * l.quantity;
      parcel.value += goods[i]!;
    });
    const options = zone ? shippingOptions(zone, parcel, orderGoods, free) : [];
    const wanted = input.shipping && ownValue(input.shipping, key);
    const chosen = wanted ? options.find((o) => o.id === wanted) : options[0];
    if (options.length === 0)
      problems.push({
        field: `addresses.${key}`,
        message: `no shipping to ${[address.city, address.province, address.country].filter(Boolean).join(', ')}`,
      });
    else if (!chosen)
      problems.push({
        field: `shipping.${key}`,
        message: `${wanted} is not offered there (offered: ${options.map((o) => o.id).join(', ')})`,
      });
    return {
      address: key,
      zone: zone?.name ?? null,
      options,
      chosen: chosen ?? null,
      price: chosen?.price ?? 0,
    };
  });
  return { shipments, zones, problems };
}

function cashOnDelivery(
  input: PricingInput,
  zones: ReadonlyMap<string, ShippingZone | undefined>,
  totalBeforeFee: number,
) {
  if (input.paymentMethod !== 'cod') return { available: true, reason: null, fee: 0 };
  let fee = 0;
  for (const [key, zone] of zones) {
    if (!zone) continue;
    if (!zone.cod)
      return { available: false, reason: `${zone.name} takes no cash on delivery (address ${key})`, fee: 0 };
    fee += zone.cod.fee;
    const limit = zone.cod.limit;
    if (limit !== undefined && totalBeforeFee + fee > limit)
      return {
        available: false,
        reason: `cash on delivery to ${zone.name} is limited to ${limit} (this order: ${totalBeforeFee + fee})`,
        fee: 0,
      };
  }
  return { available: true, reason: null, fee };
}

/**
 * THE price of an order: cart, checkout, placement, edits and refunds all ask this one pure function,
 * so their totals agree. Promotions first (each line's discount is its share, so a refunded line gives
 * back its own share), then shipping on the discounted goods, then tax per line on its discounted
 * amount, then the cash-on-delivery fee. grandTotal = subtotal − discount + shipping + taxAdded + codFee.
 */
export function priceOrder(input: PricingInput, rules: PricingRules): PricedOrder {
  const promo = applyPromotions(input, rules.promotions);
  const goods = input.lines.map((l, i) => l.unitPrice * l.quantity - promo.lineDiscount[i]!);
  const shipping = ship(input, rules, goods, promo.freeShipping);
  const taxLines = new Map<string, TaxLine>();
  const lines = input.lines.map((l, i): PricedLine => {
    const rate = taxRateFor(rules.taxRates, ownValue(input.addresses, l.shipTo)!, l.taxCategory);
    const tax = rate ? lineTax(rate, goods[i]!) : 0;
    if (rate) {
      const t = taxLines.get(rate.id) ?? { ...rateLine(rate), taxable: 0, amount: 0 };
      t.taxable += goods[i]!;
      t.amount += tax;
      taxLines.set(rate.id, t);
    }
    return {
      sku: l.sku,
      quantity: l.quantity,
      unitPrice: l.unitPrice,
      lineTotal: l.unitPrice * l.quantity,
      discount: promo.lineDiscount[i]!,
      tax,
      taxBasisPoints: rate?.basisPoints ?? 0,
      taxInclusive: rate?.inclusive ?? true,
    };
  });
  const sum = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0);
  const subtotal = sum(lines.map((l) => l.lineTotal));
  const discount = sum(promo.lineDiscount);
  const shippingTotal = sum(shipping.shipments.map((s) => s.price));
  const tax = sum(lines.map((l) => l.tax));
  const taxAdded = sum(lines.map((l) => (l.taxInclusive ? 0 : l.tax)));
  const beforeCod = subtotal - discount + shippingTotal + taxAdded;
  const cod = cashOnDelivery(input, shipping.zones, beforeCod);
  const problems = [...shipping.problems];
  if (!cod.available) problems.push({ field: 'paymentMethod', message: cod.reason! });
  return {
    currency: input.currency,
    subtotal,
    discount,
    shipping: shippingTotal,
    tax,
    taxAdded,
    codFee: cod.fee,
    grandTotal: beforeCod + cod.fee,
    lines,
    shipments: shipping.shipments,
    taxLines: [...taxLines.values()],
    promotions: promo.applied,
    coupons: promo.coupons,
    cod,
    problems,
  };
}

const rateLine = (r: TaxRate) => ({
  rateId: r.id,
  name: r.name,
  country: r.country,
  province: r.province,
  category: r.category,
  basisPoints: r.basisPoints,
  inclusive: r.inclusive,
});

/** The part of a priced order an order keeps (orders.pricing). */
export function keptPricing(p: PricedOrder): OrderPricing {
  return {
    promotions: p.promotions,
    taxLines: p.taxLines.map(({ rateId: _, ...t }) => t),
    shipments: p.shipments.flatMap((s) =>
      s.chosen
        ? [
            {
              address: s.address,
              carrier: s.chosen.carrier,
              service: s.chosen.service,
              price: s.price,
              minDays: s.chosen.minDays,
              maxDays: s.chosen.maxDays,
            },
          ]
        : [],
    ),
    codFee: p.codFee,
  };
}
