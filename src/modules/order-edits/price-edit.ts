import { sql } from 'kysely';
import type { Conn, Trx } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors.js';
import { resolveSkus, type SkuInfo } from '../catalog/index.js';
import {
  type Address,
  type OrderAddressRow,
  type OrderLineRow,
  type OrderRow,
  toAddressView,
} from '../orders/index.js';
import {
  type CartLine,
  CUSTOMER_LIMIT,
  chosenShipping,
  customerKey,
  type EditableOrder,
  editedCart,
  editPricingInput,
  type OrderPricing,
  type PricedOrder,
  type PricingRules,
  type PricingRulesCache,
  priceOrder,
  promotionUseWrites,
  rulesFor,
  rulesKeeping,
  USED_UP,
} from '../pricing/index.js';
import type { OrderEditBody } from './order-edits.schemas.js';

export const pricingOf = (p: Record<string, unknown>): Partial<OrderPricing> => p as Partial<OrderPricing>;

/** The shipping option (carrier:service) per address key the order was priced with. */
export const shippingOf = (p: Record<string, unknown>): Record<string, string> =>
  Object.fromEntries((pricingOf(p).shipments ?? []).map((s) => [s.address, `${s.carrier}:${s.service}`]));

export interface PricedEdit {
  cart: Pick<EditableOrder<Address>, 'lines' | 'addresses' | 'shipping'>;
  priced: PricedOrder;
  catalog: Map<string, SkuInfo>;
}

/** Added SKUs must be on sale, in the order's currency. */
function checkAdded(order: OrderRow, body: OrderEditBody, catalog: ReadonlyMap<string, SkuInfo>) {
  const errors = (body.add ?? []).flatMap((a, i) => {
    const item = catalog.get(a.sku);
    const field = `body.add[${i}].sku`;
    if (!item) return [];
    if (!item.sellable) return [{ field, message: `SKU ${a.sku} is not for sale` }];
    if (item.currency !== order.currency)
      return [
        { field, message: `SKU ${a.sku} is priced in ${item.currency}, the order in ${order.currency}` },
      ];
    return [];
  });
  if (errors.length) throw new AppError('unprocessable', 'Some lines cannot be added', { errors });
}

const pricingItem = (sku: string, c: SkuInfo | undefined) => ({
  sku,
  categoryId: c?.categoryId ?? null,
  taxCategory: c?.taxCategory ?? 'standard',
  weightGrams: c?.weightGrams ?? null,
});

/** The order as an edit starts from: its lines at the prices they were sold at, its addresses, choices. */
function editableOrder(
  order: OrderRow,
  lines: readonly OrderLineRow[],
  addresses: readonly OrderAddressRow[],
  catalog: ReadonlyMap<string, SkuInfo>,
): EditableOrder<Address> {
  const applied = pricingOf(order.pricing).promotions ?? [];
  return {
    currency: order.currency,
    channel: order.channel,
    placedAt: order.placed_at,
    paymentMethod: order.payment_method,
    couponCodes: applied.flatMap((p) => (p.code ? [p.code] : [])),
    lines: lines.map(
      (l): CartLine => ({
        ...pricingItem(l.sku, catalog.get(l.sku)),
        lineId: l.id,
        unitPrice: l.unit_price,
        quantity: l.quantity,
        shipTo: l.ship_to,
      }),
    ),
    addresses: Object.fromEntries(
      addresses.map((a) => {
        const v = toAddressView(a);
        return [
          a.key,
          {
            ...v,
            province: v.province ?? undefined,
            district: v.district ?? undefined,
            line2: v.line2 ?? undefined,
            postalCode: v.postalCode ?? undefined,
          },
        ];
      }),
    ),
    shipping: shippingOf(order.pricing),
  };
}

/** What an edit of the order is priced from: its catalog, the order as it stands, the rules and the buyer. */
export async function editBasis(
  db: Conn,
  order: OrderRow,
  lines: readonly OrderLineRow[],
  addresses: readonly OrderAddressRow[],
  cache: PricingRulesCache,
  addedSkus: readonly string[] = [],
) {
  const catalog = await resolveSkus(db, [...new Set([...lines.map((l) => l.sku), ...addedSkus])]);
  const editable = editableOrder(order, lines, addresses, catalog);
  const applied = pricingOf(order.pricing).promotions ?? [];
  const found = await rulesFor(db, cache, editable.couponCodes, order.customer_email);
  const counted = new Set(applied.map((p) => p.id));
  const rules = rulesKeeping(found.rules, counted);
  // a first-order promotion the order was sold with still counts it as the first
  const firstOrder = applied.some((a) => rules.promotions.find((p) => p.id === a.id)?.conditions.firstOrder);
  return { catalog, editable, rules, customer: { uses: found.uses, firstOrder }, counted };
}

/**
 * Prices the order an edit leaves with priceOrder, as at its placement, with the rules in force and
 * the coupons it carries. Promotions it already counted are not counted again; the buyer's own
 * shipping choices are kept. Refused like a checkout when a coupon would no longer apply or a parcel
 * has no shipping, and when the edit changes nothing.
 */
export async function priceEdit(
  trx: Trx,
  order: OrderRow,
  lines: readonly OrderLineRow[],
  addresses: readonly OrderAddressRow[],
  body: OrderEditBody,
  cache: PricingRulesCache,
): Promise<PricedEdit> {
  const { catalog, editable, rules, customer, counted } = await editBasis(
    trx,
    order,
    lines,
    addresses,
    cache,
    (body.add ?? []).map((a) => a.sku),
  );
  checkAdded(order, body, catalog);
  const kept = { ...editable, shipping: chosenShipping(editable, rules, customer) };
  const items = new Map(
    [...catalog.values()].map((c) => [c.sku, { ...pricingItem(c.sku, c), unitPrice: c.price }]),
  );
  const cart = editedCart(kept, body, items);
  const priced = priceOrder(editPricingInput(kept, cart, customer), rules);

  const lost = priced.coupons.filter((c) => !c.applied);
  if (lost.length)
    throw new AppError(
      'unprocessable',
      lost.map((c) => `Coupon ${c.code} would no longer apply: ${c.message}`).join('; '),
      { coupons: priced.coupons },
    );
  if (priced.problems.length)
    throw new AppError('unprocessable', priced.problems.map((p) => p.message).join('; '), {
      errors: priced.problems.map((p) => ({ field: `body.${p.field}`, message: p.message })),
    });
  const sameLines =
    JSON.stringify(cart.lines.map((l) => [l.lineId, l.quantity])) ===
    JSON.stringify(lines.map((l) => [l.id, l.quantity]));
  const sameShipping = priced.shipments.every((s) => s.chosen?.id === editable.shipping[s.address]);
  if (sameLines && sameShipping && !body.addresses && priced.grandTotal === order.grand_total)
    throw new AppError('unprocessable', 'The edit changes nothing', {
      errors: [{ field: 'body', message: 'changes nothing' }],
    });
  await countNewPromotions(trx, priced, rules, counted, order.customer_email);
  return { cart, priced, catalog };
}

/** Counts the limited promotions the edited order newly applies, with the checkout's conditional update. */
async function countNewPromotions(
  trx: Trx,
  priced: PricedOrder,
  rules: PricingRules,
  counted: ReadonlySet<string>,
  email: string,
) {
  const fresh = priced.promotions.filter((p) => !counted.has(p.id));
  const writes = promotionUseWrites(fresh, rules.promotions, customerKey(email));
  if (!writes) return;
  await sql`with ${writes.ctes} select ${writes.check}`.execute(trx).catch((error: unknown) => {
    const message = (error as { message?: string }).message ?? '';
    if (!message.startsWith(USED_UP) && !message.startsWith(CUSTOMER_LIMIT)) throw error;
    const id = message.slice(message.indexOf(':') + 1);
    const name = fresh.find((p) => p.id === id)?.name ?? id;
    throw new AppError('limit_reached', `${name} applies to the edited order but is used up`, {
      promotion: { id, reason: message.startsWith(USED_UP) ? 'used_up' : 'customer_limit' },
    });
  });
}
