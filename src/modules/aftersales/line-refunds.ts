import type { Conn } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors.js';
import { findOrderLines } from '../orders/index.js';
import { lineRefund } from '../pricing/index.js';
import { refundedUnitsByLine } from './returns.repository.js';

/**
 * What refunding these units of an order's lines gives back: each line's share of what it was
 * charged (its total less its discount share; the tax it added, reversed in proportion), counted
 * after the units of the line already refunded by returns and claims, so the refunds of a line never
 * add up to more than was paid for it.
 */
export async function refundOfUnits(
  db: Conn,
  orderId: string,
  units: ReadonlyArray<{ orderLineId: string; quantity: number }>,
): Promise<{ amount: number; tax: number }> {
  const [lines, refunded] = await Promise.all([
    findOrderLines(db, orderId),
    refundedUnitsByLine(db, orderId),
  ]);
  const done = new Map(refunded.map((r) => [r.order_line_id, r.quantity]));
  let amount = 0;
  let tax = 0;
  for (const u of units) {
    const line = lines.find((l) => l.id === u.orderLineId);
    const before = done.get(u.orderLineId) ?? 0;
    if (!line || before + u.quantity > line.quantity)
      throw new AppError(
        'conflict',
        `Only ${line ? line.quantity - before : 0} unit(s) of line ${u.orderLineId} are left to refund`,
      );
    const r = lineRefund(
      {
        quantity: line.quantity,
        lineTotal: line.line_total,
        discount: line.discount,
        tax: line.tax,
        taxInclusive: line.tax_inclusive,
      },
      before,
      u.quantity,
    );
    done.set(u.orderLineId, before + u.quantity);
    amount += r.amount;
    tax += r.tax;
  }
  return { amount, tax };
}
