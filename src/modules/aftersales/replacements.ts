import type { Trx } from '../../platform/db/database.js';
import { AppError } from '../../platform/errors.js';
import { createReplacementShipments, orderLineProgress } from '../fulfillment/index.js';
import { reserveForOrder } from '../inventory/index.js';
import { findOrderAddresses, type OrderRow } from '../orders/index.js';

/** Units to send again: the after-sales line (a return's or a claim's), the order line, what to send. */
export interface ReplacementUnit {
  id: string;
  orderLineId: string;
  sku: string;
  quantity: number;
}

/**
 * Goods sent again for an after-sales case (an exchange, a claim): reserved all or nothing to the
 * order line's address, and prepared as replacement shipments, one per warehouse. Returns their ids.
 */
export async function sendReplacement(
  trx: Trx,
  order: OrderRow,
  caseId: string,
  units: readonly ReplacementUnit[],
  actor: string,
): Promise<string[]> {
  const progress = new Map((await orderLineProgress(trx, order.id)).map((l) => [l.id, l]));
  const addresses = new Map((await findOrderAddresses(trx, order.id)).map((a) => [a.key, a]));
  const shipTo = (u: ReplacementUnit) => progress.get(u.orderLineId)!.shipTo;
  // reservations of a replacement carry the after-sales line's id, so they are never mistaken for the order's own
  const reserved = await reserveForOrder(
    trx,
    order.id,
    units.map((u) => {
      const a = addresses.get(shipTo(u))!;
      return {
        lineId: u.id,
        sku: u.sku,
        quantity: u.quantity,
        destination: { country: a.country, province: a.province },
      };
    }),
  );
  if (!reserved.ok) {
    throw new AppError(
      'insufficient_stock',
      `Not enough stock to send ${reserved.shortages.map((s) => s.sku).join(', ')} again`,
      { shortages: reserved.shortages },
    );
  }
  const byId = new Map(units.map((u) => [u.id, u]));
  return createReplacementShipments(
    trx,
    order,
    caseId,
    reserved.reservations.map((r) => {
      const unit = byId.get(r.lineId!)!;
      return { reservation: r, orderLineId: unit.orderLineId, shipTo: shipTo(unit) };
    }),
    actor,
  );
}
