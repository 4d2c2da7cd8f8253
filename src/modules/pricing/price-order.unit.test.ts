import { describe, expect, it } from 'vitest';
import { allocate } from './allocate.js';
import {
  type CartLine,
  chosenShipping,
  type EditableOrder,
  editedCart,
  editPricingInput,
  rulesKeeping,
} from './edited-cart.js';
import { lineRefund } from './line-refunds.js';
import { type PricedLine, type PricedOrder, priceOrder } from './price-order.js';
import { FIXTURE_ADDRESSES, fixtureRules } from './pricing.fixtures.js';
import { CASES, type Case, caseInput } from './pricing-table.fixtures.js';

const totals = (p: PricedOrder) => ({
  subtotal: p.subtotal,
  discount: p.discount,
  shipping: p.shipping,
  tax: p.tax,
  grandTotal: p.grandTotal,
});
const expected = (c: Case) => {
  const [subtotal, discount, shipping, tax, grandTotal] = c.expect;
  return { subtotal, discount, shipping, tax, grandTotal };
};

describe('priceOrder: the pricing table', () => {
  const rules = fixtureRules();
  it('has at least 40 carts', () => expect(CASES.length).toBeGreaterThanOrEqual(40));

  it.each(CASES)('$name', (c) => {
    const priced = priceOrder(caseInput(c), rules);
    const { discount, tax } = expected(c);
    expect(totals(priced)).toEqual(expected(c));
    // the parts add up: lines carry the whole discount and tax; tax lines carry the tax
    const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);
    expect(sum(priced.lines.map((l) => l.discount))).toBe(discount);
    expect(sum(priced.lines.map((l) => l.tax))).toBe(tax);
    expect(sum(priced.taxLines.map((t) => t.amount))).toBe(tax);
    for (const l of priced.lines) expect(l.discount).toBeLessThanOrEqual(l.lineTotal);
    expect(priced.codFee).toBe(c.codFee ?? 0);
    if (c.coupon !== undefined) {
      const coupon = priced.coupons.find((x) => x.reason !== null) ?? priced.coupons[0];
      expect(coupon?.reason ?? null).toBe(c.coupon);
      if (c.coupon) expect(coupon?.message).toBeTruthy();
    }
    expect(priced.problems.map((p) => p.field)).toEqual(c.problem ? [c.problem] : []);
  });

  it('offers every rate of the zone, cheapest first, with its delivery promise', () => {
    const priced = priceOrder(caseInput(CASES[0]!), rules);
    expect(priced.shipments[0]).toMatchObject({
      zone: 'Shanghai',
      chosen: { id: 'yto:standard', price: 800, minDays: 2, maxDays: 4 },
    });
    expect(priced.shipments[0]!.options.map((o) => [o.id, o.price])).toEqual([
      ['yto:standard', 800],
      ['sf:express', 1500],
    ]);
  });
});

describe('allocate', () => {
  it('splits exactly, largest remainder first, never above a weight', () => {
    expect(allocate(2000, [12800, 4800])).toEqual([1455, 545]);
    expect(allocate(1, [1, 1, 1])).toEqual([1, 0, 0]);
    expect(allocate(3, [1, 1, 1])).toEqual([1, 1, 1]);
    expect(allocate(0, [5, 5])).toEqual([0, 0]);
    expect(allocate(7, [0, 0])).toEqual([0, 0]);
  });
});

/**
 * The same carts reached by an order edit: each is placed otherwise (its first line one unit more,
 * its last line missing, an extra line, every other one to another address) and edited into itself.
 */
describe('the pricing table through an order edit', () => {
  const rules = fixtureRules();

  it.each(CASES.map((c, i) => ({ ...c, moved: i % 2 === 0 })))('$name', (c) => {
    const input = caseInput(c);
    const lines: CartLine[] = input.lines.map((l, j) => ({ ...l, lineId: `L${j}` }));
    const last = lines.length > 1 ? lines.at(-1)! : undefined;
    const placedLines = [
      ...(last ? lines.slice(0, -1) : lines).map((l, j) =>
        j === 0 ? { ...l, quantity: l.quantity + 1 } : l,
      ),
      { ...lines[0]!, lineId: 'LX', quantity: 2 },
    ];
    const elsewhere = Object.fromEntries(Object.keys(input.addresses).map((k) => [k, FIXTURE_ADDRESSES.FR]));
    const placed: EditableOrder = {
      currency: input.currency,
      channel: input.channel,
      placedAt: input.at,
      paymentMethod: input.paymentMethod!,
      couponCodes: input.couponCodes ?? [],
      lines: placedLines,
      addresses: c.moved ? elsewhere : input.addresses,
      shipping: {},
    };
    // the order as it was placed: the checkout's choices, the promotions it counted
    const atCheckout = priceOrder(editPricingInput(placed, placed, input.customer), rules);
    const stored = Object.fromEntries(atCheckout.shipments.map((s) => [s.address, s.chosen?.id ?? '']));
    const kept = rulesKeeping(rules, new Set(atCheckout.promotions.map((p) => p.id)));
    const order = {
      ...placed,
      shipping: chosenShipping({ ...placed, shipping: stored }, kept, input.customer),
    };

    const cart = editedCart(
      order,
      {
        lines: [
          { lineId: 'L0', quantity: lines[0]!.quantity },
          { lineId: 'LX', quantity: 0 },
        ],
        ...(last ? { add: [{ sku: last.sku, quantity: last.quantity, shipTo: last.shipTo }] } : {}),
        ...(c.moved ? { addresses: input.addresses } : {}),
        ...(c.shipping ? { shipping: c.shipping } : {}),
      },
      new Map(input.lines.map(({ quantity: _, shipTo: __, ...item }) => [item.sku, item])),
    );
    const priced = priceOrder(editPricingInput(order, cart, input.customer), kept);
    expect(totals(priced)).toEqual(expected(c));
    expect(priced.problems.map((p) => p.field)).toEqual(c.problem ? [c.problem] : []);
  });
});

/**
 * And refunded line by line, unit by unit: each line gives back what it was charged (its total less
 * its discount share, with the tax it added), never more; all of them, the hand-worked grand total
 * less shipping and the COD fee, reversing exactly the hand-worked tax.
 */
describe('the pricing table through partial refunds', () => {
  const rules = fixtureRules();
  const charged = (l: PricedLine) => ({
    quantity: l.quantity,
    lineTotal: l.lineTotal,
    discount: l.discount,
    tax: l.tax,
    taxInclusive: l.taxInclusive,
  });

  it.each(CASES)('$name', (c) => {
    const priced = priceOrder(caseInput(c), rules);
    let amount = 0;
    let tax = 0;
    for (const l of priced.lines) {
      let unitByUnit = 0;
      for (let u = 0; u < l.quantity; u++) {
        const one = lineRefund(charged(l), u, 1);
        expect(one.amount).toBeGreaterThanOrEqual(0);
        unitByUnit += one.amount;
      }
      const whole = lineRefund(charged(l), 0, l.quantity);
      expect(unitByUnit).toBe(whole.amount);
      expect(whole.amount).toBe(l.lineTotal - l.discount + (l.taxInclusive ? 0 : l.tax));
      amount += whole.amount;
      tax += whole.tax;
    }
    const [, , shipping, taxWorked, grandTotal] = c.expect;
    expect(amount).toBe(grandTotal - shipping - (c.codFee ?? 0));
    expect(tax).toBe(taxWorked);
    if (c.refund) {
      const [line, units, refund, reversed] = c.refund;
      expect(lineRefund(charged(priced.lines[line]!), 0, units)).toMatchObject({
        amount: refund,
        tax: reversed,
      });
    }
    expect(() => lineRefund(charged(priced.lines[0]!), priced.lines[0]!.quantity, 1)).toThrow(RangeError);
  });
});
