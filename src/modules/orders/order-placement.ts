import type { SkuInfo } from '../catalog/index.js';
import type { PricedOrder } from '../pricing/index.js';
import type { OrderPlacement } from './order-hooks.js';
import type { PlaceOrderInput } from './orders.schemas.js';

/** A priced order from POST /v1/orders (or a cart, a flash sale) as the placement checks see it. */
export function placementOf(
  input: PlaceOrderInput,
  catalog: ReadonlyMap<string, SkuInfo>,
  priced: PricedOrder,
  shipTo: readonly string[],
  currency: string,
): OrderPlacement {
  return {
    channel: input.channel ?? 'web',
    currency,
    paymentMethod: input.paymentMethod,
    at: new Date(),
    customer: {
      email: input.customer.email,
      name: input.customer.name ?? null,
      phone: input.customer.phone ?? null,
    },
    buyerIdentity: input.buyerIdentity,
    lines: input.lines.map((l, i) => {
      const p = priced.lines[i]!;
      const a = input.addresses[shipTo[i]!]!;
      return {
        sku: l.sku,
        categoryId: catalog.get(l.sku)?.categoryId ?? null,
        value: p.lineTotal - p.discount + (p.taxInclusive ? 0 : p.tax),
        destination: {
          country: a.country,
          province: a.province ?? null,
          district: a.district ?? null,
          postalCode: a.postalCode ?? null,
        },
      };
    }),
    grandTotal: priced.grandTotal,
  };
}
