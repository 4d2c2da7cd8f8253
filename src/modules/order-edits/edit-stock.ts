import type { Trx } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { releaseLineUnits, reserveForOrder } from '../inventory/index.js';
import type { OrderLineRow } from '../orders/index.js';
import type { PricedEdit } from './price-edit.js';

/**
 * Moves the order's stock by the edit's differences only, inside its transaction: fewer units are
 * released from the line's own reservations, more units and new lines are reserved with inventory's
 * conditional statement (as a placement reserves), all or nothing. Returns the id of each line of
 * the edited cart (new ones made here).
 */
export async function moveStock(
  trx: Trx,
  orderId: string,
  lines: readonly OrderLineRow[],
  cart: PricedEdit['cart'],
): Promise<string[]> {
  const ids = cart.lines.map((l) => l.lineId ?? newId());
  const destination = (key: string) => {
    const a = cart.addresses[key]!;
    return { country: a.country, province: a.province ?? null };
  };
  const release: { lineId: string; quantity: number }[] = [];
  const reserve: Parameters<typeof reserveForOrder>[2] = [];
  for (const l of lines) {
    const q = cart.lines.find((c) => c.lineId === l.id)?.quantity ?? 0;
    if (q < l.quantity) release.push({ lineId: l.id, quantity: l.quantity - q });
    if (q > l.quantity)
      reserve.push({
        lineId: l.id,
        sku: l.sku,
        quantity: q - l.quantity,
        destination: destination(l.ship_to),
      });
  }
  cart.lines.forEach((l, i) => {
    if (l.lineId === null)
      reserve.push({ lineId: ids[i]!, sku: l.sku, quantity: l.quantity, destination: destination(l.shipTo) });
  });
  if (release.length) await releaseLineUnits(trx, orderId, release);
  if (reserve.length) {
    const reserved = await reserveForOrder(trx, orderId, reserve);
    if (!reserved.ok)
      throw new AppError(
        'insufficient_stock',
        `Not enough stock for ${reserved.shortages.map((s) => s.sku).join(', ')}`,
        { shortages: reserved.shortages },
      );
  }
  return ids;
}
