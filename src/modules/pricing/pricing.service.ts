import type { Db } from '../../platform/db/database.js';
import { notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import {
  deleteTaxRate,
  deleteZone,
  insertPromotion,
  insertTaxRate,
  insertZone,
  listPromotions,
  listTaxRates,
  listZones,
  updatePromotion,
  updateZone,
} from './pricing.repository.js';
import type {
  Promotion,
  PromotionBody,
  ShippingZone,
  ShippingZoneBody,
  TaxRate,
  TaxRateBody,
} from './pricing.schemas.js';
import type { PricingRulesCache } from './pricing-rules.js';
import { checkPromotion, checkShippingZone, checkTaxRate } from './rule-checks.js';

/** What rule writes use: the database, and the cache they invalidate. */
export interface PricingDeps {
  db: Db;
  pricingRules: PricingRulesCache;
}

const promotionRow = (b: PromotionBody) => ({
  name: b.name,
  code: b.code ?? null,
  currency: b.currency,
  active: b.active ?? true,
  starts_at: b.startsAt ? new Date(b.startsAt) : null,
  ends_at: b.endsAt ? new Date(b.endsAt) : null,
  priority: b.priority ?? 0,
  exclusive: b.exclusive ?? false,
  conditions: JSON.stringify(b.conditions ?? {}),
  action: JSON.stringify(b.action),
  usage_limit: b.usageLimit ?? null,
  per_customer_limit: b.perCustomerLimit ?? null,
});

export async function savePromotion(deps: PricingDeps, body: PromotionBody, id?: string): Promise<Promotion> {
  checkPromotion(body, await listPromotions(deps.db), id);
  const saved = id
    ? await updatePromotion(deps.db, id, promotionRow(body))
    : await insertPromotion(deps.db, { id: newId(), ...promotionRow(body) });
  if (!saved) throw notFound('Promotion', id!);
  deps.pricingRules.forget();
  return saved;
}

const zoneRow = (b: ShippingZoneBody) => ({
  name: b.name,
  currency: b.currency ?? null,
  regions: JSON.stringify(b.regions),
  rates: JSON.stringify(b.rates),
  cod: JSON.stringify(b.cod ?? null),
});

export async function saveShippingZone(
  deps: PricingDeps,
  body: ShippingZoneBody,
  id?: string,
): Promise<ShippingZone> {
  checkShippingZone(body, await listZones(deps.db), id);
  const saved = id
    ? await updateZone(deps.db, id, zoneRow(body))
    : await insertZone(deps.db, { id: newId(), ...zoneRow(body) });
  if (!saved) throw notFound('Shipping zone', id!);
  deps.pricingRules.forget();
  return saved;
}

export async function removeShippingZone(deps: PricingDeps, id: string): Promise<void> {
  if (!(await deleteZone(deps.db, id))) throw notFound('Shipping zone', id);
  deps.pricingRules.forget();
}

export async function saveTaxRate(deps: PricingDeps, body: TaxRateBody): Promise<TaxRate> {
  checkTaxRate(body, await listTaxRates(deps.db));
  const saved = await insertTaxRate(deps.db, {
    id: newId(),
    country: body.country,
    province: body.province ?? null,
    category: body.category,
    basis_points: body.basisPoints,
    inclusive: body.inclusive,
    name: body.name ?? `${body.country}${body.province ? `-${body.province}` : ''} ${body.category}`,
  });
  deps.pricingRules.forget();
  return saved;
}

export async function removeTaxRate(deps: PricingDeps, id: string): Promise<void> {
  if (!(await deleteTaxRate(deps.db, id))) throw notFound('Tax rate', id);
  deps.pricingRules.forget();
}
