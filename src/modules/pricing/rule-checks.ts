import { AppError, type FieldError } from '../../platform/errors.js';
import { samePlace } from './places.js';
import type {
  Promotion,
  PromotionBody,
  Region,
  ShippingZone,
  ShippingZoneBody,
  TaxRate,
  TaxRateBody,
} from './pricing.schemas.js';

/**
 * Save-time checks: a rule that contradicts itself is refused (422, naming the field), one that
 * overlaps a rule already saved is refused (409, naming that rule), so that at checkout every cart
 * has exactly one answer. Pure: the service hands in the rules saved so far.
 */
const unprocessable = (errors: FieldError[]) => {
  if (errors.length)
    throw new AppError('unprocessable', errors.map((e) => `${e.field} ${e.message}`).join('; '), { errors });
};
const conflict = (message: string, rule: { id: string; name: string }) => {
  throw new AppError('conflict', message, { conflictsWith: { id: rule.id, name: rule.name } });
};

const time = (iso: string | null | undefined, open: number) => (iso ? Date.parse(iso) : open);
const windowsOverlap = (
  a: { startsAt?: string | null; endsAt?: string | null },
  b: { startsAt?: string | null; endsAt?: string | null },
) =>
  time(a.startsAt, -Infinity) < time(b.endsAt, Infinity) &&
  time(b.startsAt, -Infinity) < time(a.endsAt, Infinity);

export function checkPromotion(body: PromotionBody, saved: readonly Promotion[], id?: string): void {
  const errors: FieldError[] = [];
  const c = body.conditions ?? {};
  if (body.startsAt && body.endsAt && Date.parse(body.endsAt) <= Date.parse(body.startsAt))
    errors.push({ field: 'body.endsAt', message: 'must be after startsAt' });
  if (
    body.usageLimit !== undefined &&
    body.perCustomerLimit !== undefined &&
    body.perCustomerLimit > body.usageLimit
  )
    errors.push({ field: 'body.perCustomerLimit', message: `cannot exceed usageLimit (${body.usageLimit})` });
  if (c.firstOrder && (body.perCustomerLimit ?? 1) > 1)
    errors.push({
      field: 'body.perCustomerLimit',
      message: 'a first-order promotion is used once per customer',
    });
  const lineAction = ['percent_off_lines', 'amount_off_lines', 'buy_x_get_y'].includes(body.action.type);
  if (lineAction && !c.skus && !c.categories)
    errors.push({
      field: 'body.conditions',
      message: `${body.action.type} needs skus or categories to name its lines`,
    });
  if (
    body.action.type === 'amount_off_order' &&
    c.minSubtotal !== undefined &&
    c.minSubtotal < body.action.amount
  )
    errors.push({
      field: 'body.conditions.minSubtotal',
      message: `is below the amount off (${body.action.amount}): the order could go below zero goods`,
    });
  unprocessable(errors);
  for (const other of saved) {
    if (other.id === id || !other.active || (body.active ?? true) === false) continue;
    if (!windowsOverlap(body, other)) continue;
    if (body.code && other.code && other.code.toLowerCase() === body.code.toLowerCase())
      conflict(
        `The code ${body.code} is already used by "${other.name}" in an overlapping time window`,
        other,
      );
    const bothAutomaticExclusive = !body.code && !other.code && body.exclusive && other.exclusive;
    if (bothAutomaticExclusive && other.currency === body.currency && other.priority === (body.priority ?? 0))
      conflict(
        `"${other.name}" is also automatic, exclusive and of priority ${other.priority} at the same time: which one applies would be arbitrary`,
        other,
      );
  }
}

const regionName = (r: Region) => [r.city, r.province, r.country].filter(Boolean).join(', ');
const sameRegion = (a: Region, b: Region) =>
  a.country === b.country && samePlace(a.province, b.province) && samePlace(a.city, b.city);

export function checkShippingZone(body: ShippingZoneBody, saved: readonly ShippingZone[], id?: string): void {
  const errors: FieldError[] = [];
  body.regions.forEach((r, i) => {
    if (r.country === '*' && (r.province || r.city))
      errors.push({ field: `body.regions[${i}]`, message: 'anywhere (*) cannot name a province or city' });
    if (body.regions.findIndex((x) => sameRegion(x, r)) < i)
      errors.push({ field: `body.regions[${i}]`, message: `${regionName(r)} is listed twice` });
  });
  const ids = new Set<string>();
  body.rates.forEach((rate, i) => {
    const rateId = `${rate.carrier}:${rate.service}`;
    if (ids.has(rateId)) errors.push({ field: `body.rates[${i}]`, message: `${rateId} is listed twice` });
    ids.add(rateId);
    if (rate.minDays > rate.maxDays)
      errors.push({ field: `body.rates[${i}].minDays`, message: `is more than maxDays (${rate.maxDays})` });
    if (rate.basis === 'weight' || rate.basis === 'value') {
      rate.tiers.forEach((t, j) => {
        const prev = rate.tiers[j - 1];
        if (prev && (prev.upTo === null || (t.upTo !== null && t.upTo <= prev.upTo)))
          errors.push({
            field: `body.rates[${i}].tiers[${j}].upTo`,
            message: 'tiers must rise, an open tier (null) last',
          });
      });
    }
  });
  if (body.cod?.limit !== undefined && body.cod.fee > body.cod.limit)
    errors.push({
      field: 'body.cod.fee',
      message: `is above the cash-on-delivery limit (${body.cod.limit})`,
    });
  unprocessable(errors);
  for (const other of saved) {
    if (other.id === id) continue;
    const currencies =
      body.currency === undefined || other.currency === null || other.currency === body.currency;
    const shared = body.regions.find((r) => other.regions.some((o) => sameRegion(o, r)));
    if (currencies && shared)
      conflict(
        `${regionName(shared)} is already in the zone "${other.name}": a region belongs to one zone`,
        other,
      );
  }
}

export function checkTaxRate(body: TaxRateBody, saved: readonly TaxRate[]): void {
  for (const other of saved) {
    if (other.country !== body.country) continue;
    const name = { id: other.id, name: other.name };
    if (other.category === body.category && samePlace(other.province ?? undefined, body.province))
      conflict(
        `${regionName({ country: body.country, province: body.province })} already has a ${body.category} rate ("${other.name}")`,
        name,
      );
    if (other.inclusive !== body.inclusive)
      conflict(
        `Prices in ${body.country} cannot both include and exclude tax: "${other.name}" says ${other.inclusive ? 'inclusive' : 'exclusive'}`,
        name,
      );
  }
}
