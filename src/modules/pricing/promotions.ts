import { allocate, share } from './allocate.js';
import type { Promotion } from './pricing.schemas.js';
import type { PricingInput, PricingLine } from './pricing.types.js';

/** Why a promotion did not apply; the words a buyer sees next to a coupon. */
export const NOT_APPLIED = {
  unknown: 'no such coupon',
  disabled: 'the promotion is switched off',
  not_started: 'not started yet',
  expired: 'expired',
  wrong_currency: 'not for this currency',
  not_for_channel: 'not for this channel',
  not_for_customer: 'not for this customer',
  first_order_only: "only for a customer's first order",
  used_up: 'used up',
  customer_limit: 'already used as often as one customer may',
  minimum_not_met: 'minimum not met',
  no_matching_items: 'no item in the cart qualifies',
  not_combinable: 'cannot be combined with another promotion applied',
  nothing_to_discount: 'nothing left to discount',
} as const;
export type NotApplied = keyof typeof NOT_APPLIED;

export interface AppliedPromotion {
  id: string;
  name: string;
  code: string | null;
  discount: number;
  freeShipping: boolean;
}

export interface CouponOutcome {
  code: string;
  applied: boolean;
  reason: NotApplied | null;
  message: string | null;
}

/** A line a promotion's skus/categories name (all lines when it names none). */
function inScope(p: Promotion, line: PricingLine): boolean {
  const { skus, categories } = p.conditions;
  if (!skus && !categories) return true;
  return (
    (skus?.includes(line.sku) ?? false) ||
    (line.categoryId != null && (categories?.includes(line.categoryId) ?? false))
  );
}

function ineligible(p: Promotion, input: PricingInput, subtotal: number): NotApplied | null {
  const at = input.at.getTime();
  const c = p.conditions;
  if (!p.active) return 'disabled';
  if (p.startsAt && Date.parse(p.startsAt) > at) return 'not_started';
  if (p.endsAt && Date.parse(p.endsAt) <= at) return 'expired';
  if (p.currency !== input.currency) return 'wrong_currency';
  if (c.channels && !c.channels.includes(input.channel)) return 'not_for_channel';
  const tags = input.customer?.tags ?? [];
  if (c.customerTags && !c.customerTags.some((t) => tags.includes(t))) return 'not_for_customer';
  if (c.firstOrder && input.customer?.firstOrder !== true) return 'first_order_only';
  if (p.usageLimit !== null && p.used >= p.usageLimit) return 'used_up';
  const mine = input.customer?.uses?.[p.id] ?? 0;
  if (p.perCustomerLimit !== null && mine >= p.perCustomerLimit) return 'customer_limit';
  if (c.minSubtotal !== undefined && subtotal < c.minSubtotal) return 'minimum_not_met';
  if (!input.lines.some((l) => inScope(p, l))) return 'no_matching_items';
  return null;
}

/** Units of the lines in scope, dearest first, for buy X get Y. */
function buyXGetY(p: Promotion, lines: readonly PricingLine[], buy: number, get: number, percent: number) {
  const units = lines.flatMap((l, i) =>
    inScope(p, l) ? Array.from({ length: l.quantity }, () => ({ i, price: l.unitPrice })) : [],
  );
  units.sort((a, b) => b.price - a.price || a.i - b.i);
  const off = lines.map(() => 0);
  const group = buy + get;
  for (let start = 0; start + group <= units.length; start += group) {
    for (const u of units.slice(start + buy, start + group)) off[u.i]! += share(u.price, percent, 100);
  }
  return off;
}

/** Each line's discount from one promotion, given what is left of each line after earlier ones. */
function lineDiscounts(p: Promotion, lines: readonly PricingLine[], left: readonly number[]): number[] {
  const a = p.action;
  const capped = (off: number[]) => off.map((d, i) => Math.min(d, left[i]!));
  switch (a.type) {
    case 'percent_off_order':
    case 'amount_off_order': {
      // skus/categories are a condition here (the cart must hold one); the whole order is discounted
      const base = left.reduce((s, v) => s + v, 0);
      const total = a.type === 'percent_off_order' ? share(base, a.percent, 100) : Math.min(a.amount, base);
      return allocate(total, left);
    }
    case 'percent_off_lines':
      return lines.map((l, i) => (inScope(p, l) ? share(left[i]!, a.percent, 100) : 0));
    case 'amount_off_lines':
      return capped(lines.map((l) => (inScope(p, l) ? a.amount * l.quantity : 0)));
    case 'buy_x_get_y':
      return capped(buyXGetY(p, lines, a.buy, a.get, a.percent ?? 100));
    case 'free_shipping':
      return lines.map(() => 0);
  }
}

/**
 * Applies the promotions in priority order (higher first; coupons before automatic ones at equal
 * priority, then by name): each takes its share of what earlier ones left of each line. An exclusive
 * promotion applies only when nothing has yet, and nothing applies after it.
 */
export function applyPromotions(input: PricingInput, promotions: readonly Promotion[]) {
  const lines = input.lines;
  const subtotal = lines.reduce((s, l) => s + l.unitPrice * l.quantity, 0);
  const left = lines.map((l) => l.unitPrice * l.quantity);
  const outcome = new Map<string, NotApplied | null>();
  const codes = new Map((input.couponCodes ?? []).map((c) => [c.toLowerCase(), c]));
  const byCode = new Map(promotions.filter((p) => p.code).map((p) => [p.code!.toLowerCase(), p]));
  const candidates = promotions
    .filter((p) => p.code === null || codes.has(p.code.toLowerCase()))
    .sort(
      (a, b) =>
        b.priority - a.priority ||
        Number(b.code !== null) - Number(a.code !== null) ||
        a.name.localeCompare(b.name) ||
        a.id.localeCompare(b.id),
    );
  const applied: AppliedPromotion[] = [];
  let closed = false;
  for (const p of candidates) {
    let reason = ineligible(p, input, subtotal);
    if (!reason && (closed || (p.exclusive && applied.length > 0))) reason = 'not_combinable';
    let off: number[] = [];
    if (!reason) {
      off = lineDiscounts(p, lines, left);
      if (p.action.type !== 'free_shipping' && off.every((d) => d === 0)) reason = 'nothing_to_discount';
    }
    outcome.set(p.id, reason);
    if (reason) continue;
    off.forEach((d, i) => {
      left[i]! -= d;
    });
    applied.push({
      id: p.id,
      name: p.name,
      code: p.code,
      discount: off.reduce((s, d) => s + d, 0),
      freeShipping: p.action.type === 'free_shipping',
    });
    if (p.exclusive) closed = true;
  }
  const coupons: CouponOutcome[] = [...codes.values()].map((code) => {
    const p = byCode.get(code.toLowerCase());
    const reason: NotApplied | null = p ? (outcome.get(p.id) ?? null) : 'unknown';
    return { code, applied: reason === null, reason, message: reason ? NOT_APPLIED[reason] : null };
  });
  const lineDiscount = lines.map((l, i) => l.unitPrice * l.quantity - left[i]!);
  return { applied, coupons, lineDiscount, freeShipping: applied.some((a) => a.freeShipping) };
}
