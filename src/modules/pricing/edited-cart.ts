import { AppError, type FieldError } from '../../platform/errors.js';
import { priceOrder } from './price-order.js';
import type { PricingAddress, PricingInput, PricingLine, PricingRules } from './pricing.types.js';

/** A line of the cart an edit works on: an order line (its id), or one the edit adds (null). */
export interface CartLine extends PricingLine {
  lineId: string | null;
}

/** An order as an edit re-prices it: its lines and addresses, and what it was placed with. */
export interface EditableOrder<A extends PricingAddress = PricingAddress> {
  currency: string;
  channel: string;
  placedAt: Date;
  paymentMethod: string;
  /** The coupons applied when it was placed; they stay with the order. */
  couponCodes: readonly string[];
  lines: readonly CartLine[];
  addresses: Readonly<Record<string, A>>;
  /** The chosen option (carrier:service) per address key. */
  shipping: Readonly<Record<string, string>>;
}

export interface OrderEditRequest<A extends PricingAddress = PricingAddress> {
  /** New quantities of existing lines; 0 removes the line. */
  lines?: ReadonlyArray<{ lineId: string; quantity: number }>;
  add?: ReadonlyArray<{ sku: string; quantity: number; shipTo?: string }>;
  /** Replaces the address under an existing key. */
  addresses?: Readonly<Record<string, A>>;
  /** The shipping option (carrier:service) per address key. */
  shipping?: Readonly<Record<string, string>>;
}

/** What the catalog says of a SKU an edit adds. */
export type AddedItem = Omit<PricingLine, 'quantity' | 'shipTo'>;

const refuse = (errors: FieldError[]) => {
  if (errors.length) throw new AppError('unprocessable', errors.map((e) => e.message).join('; '), { errors });
};

/**
 * The cart an edit leaves: quantities changed, lines removed and added, addresses and shipping
 * choices replaced. Existing lines keep the unit price they were sold at; added ones take the
 * catalog's (`items`). Pure; every refusal names the field.
 */
export function editedCart<A extends PricingAddress>(
  order: EditableOrder<A>,
  edit: OrderEditRequest<A>,
  items: ReadonlyMap<string, AddedItem>,
): Pick<EditableOrder<A>, 'lines' | 'addresses' | 'shipping'> {
  const errors: FieldError[] = [];
  const keys = Object.keys(order.addresses);
  const known = (key: string) => Object.hasOwn(order.addresses, key);
  const quantities = new Map<string, number>();
  (edit.lines ?? []).forEach((l, i) => {
    if (!order.lines.some((o) => o.lineId === l.lineId))
      errors.push({ field: `body.lines[${i}].lineId`, message: `names no line of this order` });
    else if (quantities.has(l.lineId))
      errors.push({ field: `body.lines[${i}].lineId`, message: 'is given twice' });
    quantities.set(l.lineId, l.quantity);
  });
  const added = (edit.add ?? []).map((a, i): CartLine | undefined => {
    const item = items.get(a.sku);
    const shipTo = a.shipTo ?? (keys.length === 1 ? keys[0] : undefined);
    if (!item) errors.push({ field: `body.add[${i}].sku`, message: `unknown SKU ${a.sku}` });
    if (shipTo === undefined)
      errors.push({
        field: `body.add[${i}].shipTo`,
        message: 'is required when the order has several addresses',
      });
    else if (!known(shipTo))
      errors.push({ field: `body.add[${i}].shipTo`, message: `names no address (have ${keys.join(', ')})` });
    return item && shipTo !== undefined ? { ...item, lineId: null, quantity: a.quantity, shipTo } : undefined;
  });
  for (const key of Object.keys(edit.addresses ?? {}))
    if (!known(key))
      errors.push({ field: `body.addresses.${key}`, message: `names no address (have ${keys.join(', ')})` });
  for (const key of Object.keys(edit.shipping ?? {}))
    if (!known(key))
      errors.push({ field: `body.shipping.${key}`, message: `names no address (have ${keys.join(', ')})` });
  refuse(errors);

  const lines = [
    ...order.lines.flatMap((l) => {
      const q = l.lineId === null ? undefined : quantities.get(l.lineId);
      return q === 0 ? [] : [{ ...l, quantity: q ?? l.quantity }];
    }),
    ...added.filter((l): l is CartLine => l !== undefined),
  ];
  if (lines.length === 0)
    refuse([{ field: 'body.lines', message: 'an edit cannot remove every line; cancel the order instead' }]);
  return {
    lines,
    addresses: { ...order.addresses, ...edit.addresses },
    // a new address may be in another zone: its old choice goes unless the edit names one
    shipping: {
      ...Object.fromEntries(
        Object.entries(order.shipping).filter(([k]) => !Object.hasOwn(edit.addresses ?? {}, k)),
      ),
      ...edit.shipping,
    },
  };
}

/**
 * The shipping choices of the order that the buyer made: those that differ from what the checkout
 * picks by itself (the cheapest). Only these are kept through an edit; the others follow the new
 * cart as the checkout would (six mugs go express because it is cheaper; two go standard again).
 */
export function chosenShipping(
  order: EditableOrder,
  rules: PricingRules,
  customer: PricingInput['customer'],
): Record<string, string> {
  const defaults = priceOrder(editPricingInput(order, { ...order, shipping: {} }, customer), rules);
  const cheapest = new Map(defaults.shipments.map((s) => [s.address, s.chosen?.id]));
  return Object.fromEntries(Object.entries(order.shipping).filter(([k, id]) => cheapest.get(k) !== id));
}

/**
 * The pricing input of an edited order: priced as at its placement (the promotions and time windows
 * it was sold under) with the coupons it carries, so an edit that returns to a cart prices it as
 * the checkout did.
 */
export function editPricingInput(
  order: EditableOrder,
  cart: Pick<EditableOrder, 'lines' | 'addresses' | 'shipping'>,
  customer: PricingInput['customer'],
): PricingInput {
  return {
    currency: order.currency,
    channel: order.channel,
    at: order.placedAt,
    lines: cart.lines.map(({ lineId: _, ...l }) => l),
    addresses: cart.addresses,
    couponCodes: order.couponCodes,
    ...(customer ? { customer } : {}),
    shipping: cart.shipping,
    paymentMethod: order.paymentMethod,
  };
}

/**
 * The rules with the usage limits of the promotions the order already counts lifted: its use was
 * counted when it was placed, so an edit does not count it again (nor find it used up by itself).
 */
export function rulesKeeping(rules: PricingRules, counted: ReadonlySet<string>): PricingRules {
  return {
    ...rules,
    promotions: rules.promotions.map((p) =>
      counted.has(p.id) ? { ...p, usageLimit: null, perCustomerLimit: null } : p,
    ),
  };
}
