import type { Db } from '../../platform/db/database.js';
import { listZones } from './pricing.repository.js';
import type { ShippingZoneBody } from './pricing.schemas.js';
import { saveShippingZone } from './pricing.service.js';
import { PricingRulesCache } from './pricing-rules.js';

/**
 * Mainland China with three services, so a checkout and an order edit have a choice to show: the
 * economy parcel free from ¥99, express and next-day for a price, cash on delivery for ¥5 up to ¥2,000.
 * Carriers are fulfillment's codes, so a shipment leaves with the one the buyer chose.
 */
const DEMO_ZONE: ShippingZoneBody = {
  name: 'Mainland China',
  currency: 'CNY',
  regions: [{ country: 'CN' }],
  rates: [
    {
      carrier: 'zto',
      service: 'standard',
      basis: 'flat',
      price: 800,
      freeFrom: 9900,
      minDays: 2,
      maxDays: 4,
    },
    {
      carrier: 'sf',
      service: 'express',
      basis: 'weight',
      tiers: [
        { upTo: 1000, price: 1800 },
        { upTo: null, price: 2600 },
      ],
      minDays: 1,
      maxDays: 2,
    },
    { carrier: 'jd', service: 'next_day', basis: 'flat', price: 2500, minDays: 1, maxDays: 1 },
  ],
  cod: { fee: 500, limit: 200_000 },
};

/**
 * The demo's shipping zone, through the same checks as POST /v1/shipping-zones; once. Loaded before
 * the app has a rules cache (npm start's first run), hence a cache of its own.
 */
export async function seedDemoShipping(db: Db): Promise<number> {
  if ((await listZones(db)).some((z) => z.name === DEMO_ZONE.name)) return 0;
  await saveShippingZone({ db, pricingRules: new PricingRulesCache(0) }, DEMO_ZONE);
  return 1;
}
