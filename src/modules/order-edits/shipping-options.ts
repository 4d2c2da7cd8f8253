import type { Db } from '../../platform/db/database.js';
import { notFound } from '../../platform/errors.js';
import { findOrderAddresses, findOrderById, findOrderLines } from '../orders/index.js';
import { deliveryPromise, editPricingInput, type PricingRulesCache, priceOrder } from '../pricing/index.js';
import type { OrderShippingOptions } from './order-edits.schemas.js';
import { editBasis, shippingOf } from './price-edit.js';

/**
 * GET /v1/orders/{id}/shipping-options: the options each of the order's addresses can switch to in
 * an edit, priced as the edit would price them (priceOrder with the order's lines, rules and
 * coupons), each with the order's total with it and the difference to what it costs now.
 */
export async function orderShippingOptions(
  db: Db,
  cache: PricingRulesCache,
  orderId: string,
): Promise<OrderShippingOptions> {
  const order = await findOrderById(db, orderId);
  if (!order) throw notFound('Order', orderId);
  const [lines, addresses] = await Promise.all([
    findOrderLines(db, orderId),
    findOrderAddresses(db, orderId),
  ]);
  const { editable, rules, customer } = await editBasis(db, order, lines, addresses, cache);
  const current = shippingOf(order.pricing);
  const withShipping = (shipping: Record<string, string>) =>
    priceOrder(editPricingInput(editable, { ...editable, shipping }, customer), rules);
  const now = withShipping(current);
  return {
    currency: order.currency,
    grandTotal: order.grand_total,
    addresses: now.shipments.map((s) => ({
      address: s.address,
      zone: s.zone,
      current: current[s.address] ?? null,
      options: s.options.map((option) => {
        const total = withShipping({ ...current, [s.address]: option.id }).grandTotal;
        return {
          ...option,
          promise: deliveryPromise(option),
          total,
          difference: total - order.grand_total,
        };
      }),
    })),
  };
}
