import type { Conn, Trx } from '../../platform/db/database.js';
import {
  findOrderLineQuantities,
  markOrderDelivered,
  markOrderShipped,
  type OrderHooks,
  type OrderRow,
} from '../orders/index.js';
import { lineShipmentTotals } from './shipments.repository.js';

/** Per order line: owed (ordered − cancelled), shipped, delivered, and when it was last delivered. */
export async function orderLineProgress(db: Conn, orderId: string) {
  const [lines, totals] = await Promise.all([
    findOrderLineQuantities(db, orderId),
    lineShipmentTotals(db, orderId),
  ]);
  const byLine = new Map(totals.map((t) => [t.order_line_id, t]));
  return lines.map((l) => {
    const t = byLine.get(l.id);
    return {
      ...l,
      owed: l.quantity - l.cancelled,
      /** in any shipment, also one not handed to a carrier yet */
      assigned: t?.assigned ?? 0,
      shipped: t?.shipped ?? 0,
      delivered: t?.delivered ?? 0,
      lastDeliveredAt: t?.last_delivered_at ? new Date(t.last_delivered_at) : null,
    };
  });
}

/**
 * Moves the (locked) order as far as its shipments say: shipped when every owed unit has left,
 * partially shipped when some have, delivered when every owed unit arrived. Called after a ship, a
 * tracking update and a refund-only cancellation of unshipped lines.
 */
export async function advanceOrder(
  trx: Trx,
  order: OrderRow,
  hooks: OrderHooks,
  input: { shipmentId: string; actor: string },
): Promise<OrderRow> {
  const progress = await orderLineProgress(trx, order.id);
  const owed = progress.filter((l) => l.owed > 0);
  const allShipped = owed.every((l) => l.shipped >= l.owed);
  const anyShipped = progress.some((l) => l.shipped > 0);
  let current = order;
  if (['paid', 'placed', 'partially_shipped'].includes(current.status) && anyShipped) {
    current = await markOrderShipped(trx, current, {
      complete: allShipped,
      shipmentId: input.shipmentId,
      actor: input.actor,
    });
  }
  if (current.status === 'shipped' && owed.length > 0 && owed.every((l) => l.delivered >= l.owed)) {
    current = await markOrderDelivered(trx, current, input.actor, hooks);
  }
  return current;
}
