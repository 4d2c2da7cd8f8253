import type { Shipment } from './fulfillment.schemas.js';
import type { ShipmentLineRow, ShipmentRow, TrackingEventRow } from './shipments.repository.js';

export function toShipment(
  s: ShipmentRow,
  warehouseCode: string,
  lines: ShipmentLineRow[],
  events: TrackingEventRow[] = [],
): Shipment {
  return {
    id: s.id,
    orderId: s.order_id,
    kind: s.kind,
    returnId: s.return_id,
    status: s.status,
    warehouse: warehouseCode,
    shipTo: s.ship_to,
    carrier: s.carrier,
    trackingNumber: s.tracking_number,
    lines: lines.map((l) => ({ lineId: l.order_line_id, sku: l.sku, quantity: l.quantity })),
    tracking: events.map((e) => ({
      time: new Date(e.occurred_at).toISOString(),
      status: e.status,
      description: e.description,
      location: e.location,
    })),
    createdAt: s.created_at.toISOString(),
    shippedAt: s.shipped_at?.toISOString() ?? null,
    deliveredAt: s.delivered_at?.toISOString() ?? null,
  };
}

/** The shipment as carried in events. */
export const shipmentSnapshot = (s: ShipmentRow, warehouseCode: string, lines: ShipmentLineRow[]) => ({
  id: s.id,
  kind: s.kind,
  status: s.status,
  warehouse: warehouseCode,
  carrier: s.carrier,
  trackingNumber: s.tracking_number,
  lines: lines.map((l) => ({ lineId: l.order_line_id, sku: l.sku, quantity: l.quantity })),
});
