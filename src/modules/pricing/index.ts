import type { Module } from '../../platform/module.js';
import * as m1205_1500 from './migrations/20261205_1500_pricing.js';
import { pricingRoutes } from './pricing.routes.js';
import type { PricingDeps } from './pricing.service.js';

/**
 * Pricing: the rules (promotions, shipping zones and rates, tax rates) as data, and the one pure
 * function that prices an order from them. One module rather than promotions/shipping/taxes apart:
 * a price needs all three in a fixed order (discount → shipping on the discounted goods → tax on
 * each line's discounted amount), and cart, orders and after-sales must all get the same answer.
 */
export const pricingModule = {
  name: 'pricing',
  migrations: {
    '20261205_1500_pricing': m1205_1500,
  },
  routes: [pricingRoutes],
} satisfies Module<PricingDeps>;

export { allocate, share } from './allocate.js';
export { CUSTOMER_LIMIT, promotionUseWrites, USED_UP } from './coupon-uses.js';
export { seedDemoShipping } from './demo-shipping.js';
export {
  type AddedItem,
  type CartLine,
  chosenShipping,
  type EditableOrder,
  editedCart,
  editPricingInput,
  type OrderEditRequest,
  rulesKeeping,
} from './edited-cart.js';
export { type ChargedLine, type LineRefund, lineRefund } from './line-refunds.js';
export {
  keptPricing,
  type PricedLine,
  type PricedOrder,
  type PricingAddress,
  type PricingInput,
  type PricingLine,
  type PricingRules,
  priceOrder,
} from './price-order.js';
export { listZones as shippingZones } from './pricing.repository.js';
export { CouponCodes, OrderPricing, ShippingChoice, ShippingOptionSchema } from './pricing.schemas.js';
export { customerKey, PricingRulesCache, rulesFor } from './pricing-rules.js';
export { NOT_APPLIED, type NotApplied } from './promotions.js';
export { deliveryPromise, type ShippingOption, shippingOptions, zoneFor } from './shipping.js';
export type { TaxLine } from './taxes.js';
