import type { Db } from '../../platform/db/database.js';
import { AppError, notFound } from '../../platform/errors.js';
import type { SkuLookup } from '../catalog/index.js';
import {
  deliveryPromise,
  type PricingInput,
  type PricingRulesCache,
  priceOrder,
  rulesFor,
} from '../pricing/index.js';
import { findCart, findCartItems } from './cart.repository.js';
import type { CartShippingOptions, ShippingOptionsQuery } from './cart.schemas.js';

const ADDRESS = 'ship';

/**
 * GET /v1/carts/{id}/shipping-options: each carrier and service level that ships the cart to the
 * address, with its price, delivery promise and the order's total with it, and whether cash on
 * delivery is taken there with it (the zone's fee, or why not: no COD in the zone, or the total
 * past the zone's limit). Priced by the same priceOrder as the checkout, once per option, so what
 * the buyer sees here is what the checkout charges.
 */
export async function cartShippingOptions(
  deps: { db: Db; skus: SkuLookup; pricingRules: PricingRulesCache },
  cartId: string,
  query: ShippingOptionsQuery,
): Promise<CartShippingOptions> {
  const cart = await findCart(deps.db, cartId);
  if (!cart) throw notFound('Cart', cartId);
  const items = await findCartItems(deps.db, cartId);
  const codes = query.couponCodes ? query.couponCodes.split(',') : [];
  const [catalog, found] = await Promise.all([
    deps.skus(
      deps.db,
      items.map((i) => i.sku),
    ),
    rulesFor(deps.db, deps.pricingRules, codes, undefined),
  ]);
  const lines = items.flatMap((i) => {
    const info = catalog.get(i.sku);
    return info?.sellable
      ? [
          {
            sku: i.sku,
            categoryId: info.categoryId,
            taxCategory: info.taxCategory,
            unitPrice: info.price,
            quantity: i.quantity,
            weightGrams: info.weightGrams,
            shipTo: ADDRESS,
          },
        ]
      : [];
  });
  if (lines.length === 0 || !cart.currency)
    throw new AppError('unprocessable', 'The cart has nothing that can be shipped yet');
  const input: PricingInput = {
    currency: cart.currency,
    channel: query.channel ?? 'web',
    at: new Date(),
    lines,
    addresses: {
      [ADDRESS]: { country: query.country, province: query.province ?? null, city: query.city ?? null },
    },
    couponCodes: codes,
    customer: { uses: found.uses },
    paymentMethod: 'cod',
  };
  const cheapest = priceOrder(input, found.rules);
  const shipment = cheapest.shipments[0]!;
  return {
    currency: cart.currency,
    zone: shipment.zone,
    subtotal: cheapest.subtotal,
    discount: cheapest.discount,
    coupons: cheapest.coupons,
    options: shipment.options.map((option) => {
      const priced =
        option.id === shipment.chosen?.id
          ? cheapest
          : priceOrder({ ...input, shipping: { [ADDRESS]: option.id } }, found.rules);
      return {
        ...option,
        promise: deliveryPromise(option),
        total: priced.grandTotal - priced.codFee,
        cashOnDelivery: priced.cod.available
          ? { available: true, fee: priced.cod.fee, total: priced.grandTotal, reason: null }
          : { available: false, fee: null, total: null, reason: priced.cod.reason },
      };
    }),
  };
}
