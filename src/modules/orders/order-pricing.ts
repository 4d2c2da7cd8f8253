import { sql } from 'kysely';
import type { Conn } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors.js';
import type { SkuInfo } from '../catalog/index.js';
import {
  CUSTOMER_LIMIT,
  customerKey,
  type PricedOrder,
  PricingRulesCache,
  priceOrder,
  promotionUseWrites,
  rulesFor,
  USED_UP,
} from '../pricing/index.js';
import { hasOrders, type StatementWrites } from './orders.repository.js';
import type { PlaceOrderInput } from './orders.schemas.js';

/** For callers that hold no cache of their own (tests, scripts): rules read every time. */
const UNCACHED = new PricingRulesCache(0);

/**
 * Prices an order to be placed by the rules in force (pricing's priceOrder, the same function the
 * cart shows its totals with), refusing it with the reason when a coupon does not apply or a parcel
 * has no shipping; and the conditional counts of the limited promotions it uses, to be written in
 * the order's own statement.
 */
export async function priceForPlacement(
  db: Conn,
  input: PlaceOrderInput,
  catalog: ReadonlyMap<string, SkuInfo>,
  unitPrices: readonly number[],
  shipTo: readonly string[],
  currency: string,
  cache: PricingRulesCache | undefined,
  flashSale: boolean,
): Promise<{ priced: PricedOrder; writes: StatementWrites | undefined }> {
  const email = input.customer.email;
  const found = await rulesFor(db, cache ?? UNCACHED, input.couponCodes, email);
  // A flash-sale price is its own promotion: nothing else is taken off it.
  const rules = flashSale ? { ...found.rules, promotions: [] } : found.rules;
  const firstOrder = found.asksFirstOrder ? !(await hasOrders(db, email)) : undefined;
  const priced = priceOrder(
    {
      currency,
      channel: input.channel ?? 'web',
      at: new Date(),
      lines: input.lines.map((l, i) => {
        const item = catalog.get(l.sku)!;
        return {
          sku: l.sku,
          categoryId: item.categoryId,
          taxCategory: item.taxCategory,
          unitPrice: unitPrices[i]!,
          quantity: l.quantity,
          weightGrams: item.weightGrams,
          shipTo: shipTo[i]!,
        };
      }),
      addresses: input.addresses,
      couponCodes: input.couponCodes ?? [],
      customer: { uses: found.uses, ...(firstOrder === undefined ? {} : { firstOrder }) },
      ...(input.shipping ? { shipping: input.shipping } : {}),
      paymentMethod: input.paymentMethod,
    },
    rules,
  );
  const refused = priced.coupons.filter((c) => !c.applied);
  if (refused.length)
    throw new AppError('unprocessable', refused.map((c) => `Coupon ${c.code}: ${c.message}`).join('; '), {
      errors: refused.map((c) => ({
        field: `body.couponCodes[${input.couponCodes!.indexOf(c.code)}]`,
        message: `${c.code}: ${c.message}`,
      })),
      coupons: priced.coupons,
    });
  if (priced.problems.length)
    throw new AppError('unprocessable', priced.problems.map((p) => p.message).join('; '), {
      errors: priced.problems.map((p) => ({ field: `body.${p.field}`, message: p.message })),
    });
  return { priced, writes: promotionUseWrites(priced.promotions, rules.promotions, customerKey(email)) };
}

/** Both modules' writes in the order's one statement (a flash sale's and a coupon's, say). */
export function bothWrites(
  a: StatementWrites | undefined,
  b: StatementWrites | undefined,
): StatementWrites | undefined {
  if (!a || !b) return a ?? b;
  return {
    ctes: sql`${a.ctes}, ${b.ctes}`,
    check: sql<boolean>`(${a.check} and ${b.check})`,
    events: [...(a.events ?? []), ...(b.events ?? [])],
  };
}

/** A promotion's count refused the order's statement: the coupon was used up meanwhile. */
export function promotionRefusal(error: unknown, priced: PricedOrder): AppError | undefined {
  const e = error as { code?: string; message?: string };
  if (e.code !== 'P0001' || !e.message) return undefined;
  const limit = e.message.startsWith(USED_UP)
    ? 'used up'
    : e.message.startsWith(CUSTOMER_LIMIT)
      ? 'per-customer'
      : null;
  if (!limit) return undefined;
  const id = e.message.slice(e.message.indexOf(':') + 1);
  const promotion = priced.promotions.find((p) => p.id === id);
  const name = promotion?.code ?? promotion?.name ?? id;
  return new AppError(
    'limit_reached',
    limit === 'used up'
      ? `${name} is used up: its last use went to another order`
      : `${name} was already used as often as one customer may`,
    {
      promotion: {
        id,
        code: promotion?.code ?? null,
        reason: limit === 'used up' ? 'used_up' : 'customer_limit',
      },
    },
  );
}
