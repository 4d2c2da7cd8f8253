import { share } from './allocate.js';

/** What an order line was charged, as the order keeps it (order_lines). */
export interface ChargedLine {
  quantity: number;
  lineTotal: number;
  /** The line's share of the order's discount. */
  discount: number;
  /** Tax on lineTotal − discount: inside it when taxInclusive, on top of it otherwise. */
  tax: number;
  taxInclusive: boolean;
}

export interface LineRefund {
  /** Goods after the line's discount share (tax included when the region's prices include it). */
  goods: number;
  /** The tax this refund reverses: contained in goods when inclusive, added to it otherwise. */
  tax: number;
  /** What goes back to the buyer: goods, plus the tax when it was added on top. */
  amount: number;
}

/** What the first `units` of the line were charged: each part in proportion, half up. */
function chargedFor(line: ChargedLine, units: number): LineRefund {
  const goods = share(line.lineTotal - line.discount, units, line.quantity);
  const tax = share(line.tax, units, line.quantity);
  return { goods, tax, amount: line.taxInclusive ? goods : goods + tax };
}

/**
 * The refund of `units` more units of a line of which `alreadyRefunded` units were refunded: its
 * share of what the line was charged (the line total less its share of the discount), the tax
 * reversed in the same proportion. Worked as the difference of two cumulative shares, so refunding
 * a line unit by unit gives back exactly what a refund of the whole line would, never more than was
 * paid for it.
 */
export function lineRefund(line: ChargedLine, alreadyRefunded: number, units: number): LineRefund {
  if (!Number.isInteger(units) || units < 0 || alreadyRefunded < 0 || alreadyRefunded + units > line.quantity)
    throw new RangeError(`cannot refund ${units} of ${line.quantity - alreadyRefunded} units left`);
  const before = chargedFor(line, alreadyRefunded);
  const after = chargedFor(line, alreadyRefunded + units);
  return {
    goods: after.goods - before.goods,
    tax: after.tax - before.tax,
    amount: after.amount - before.amount,
  };
}
