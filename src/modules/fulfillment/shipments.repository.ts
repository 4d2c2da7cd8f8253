import { type Insertable, type Selectable, sql, type Updateable } from 'kysely';
import type { Conn, Trx } from '../../platform/db/database.js';
import type { ShipmentLinesTable, ShipmentsTable, TrackingEventsTable } from './fulfillment.tables.js';

export type ShipmentRow = Selectable<ShipmentsTable>;
export type ShipmentLineRow = Selectable<ShipmentLinesTable>;
export type TrackingEventRow = Selectable<TrackingEventsTable>;

export async function insertShipment(
  trx: Trx,
  shipment: Insertable<ShipmentsTable>,
  lines: Insertable<ShipmentLinesTable>[],
): Promise<ShipmentRow> {
  const row = await trx.insertInto('shipments').values(shipment).returningAll().executeTakeFirstOrThrow();
  await trx.insertInto('shipment_lines').values(lines).execute();
  return row;
}

export async function findShipmentById(db: Conn, id: string): Promise<ShipmentRow | undefined> {
  return db.selectFrom('shipments').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function lockShipmentById(trx: Trx, id: string): Promise<ShipmentRow | undefined> {
  return trx.selectFrom('shipments').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function findShipmentsByTracking(db: Conn, trackingNumber: string, carrier?: string) {
  let q = db.selectFrom('shipments').selectAll().where('tracking_number', '=', trackingNumber);
  if (carrier) q = q.where('carrier', '=', carrier);
  return q.limit(2).execute();
}

export async function findShipmentsOfOrder(db: Conn, orderId: string): Promise<ShipmentRow[]> {
  return db.selectFrom('shipments').selectAll().where('order_id', '=', orderId).orderBy('id').execute();
}

export async function findShipmentLines(
  db: Conn,
  shipmentIds: readonly string[],
): Promise<ShipmentLineRow[]> {
  if (shipmentIds.length === 0) return [];
  return db
    .selectFrom('shipment_lines')
    .selectAll()
    .where('shipment_id', 'in', shipmentIds)
    .orderBy('id')
    .execute();
}

/** Reservations of the order already put in a shipment. */
export async function assignedReservationIds(db: Conn, orderId: string): Promise<Set<string>> {
  const rows = await db
    .selectFrom('shipment_lines')
    .innerJoin('shipments', 'shipments.id', 'shipment_lines.shipment_id')
    .select('shipment_lines.reservation_id')
    .where('shipments.order_id', '=', orderId)
    .execute();
  return new Set(rows.map((r) => r.reservation_id));
}

export async function updateShipment(
  trx: Trx,
  id: string,
  changes: Omit<Updateable<ShipmentsTable>, 'id'>,
): Promise<ShipmentRow> {
  return trx
    .updateTable('shipments')
    .set({ ...changes, updated_at: sql`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Adds the events not seen before and returns only those (the same push twice adds nothing). */
export async function insertNewTrackingEvents(
  trx: Trx,
  rows: Insertable<TrackingEventsTable>[],
): Promise<TrackingEventRow[]> {
  if (rows.length === 0) return [];
  return trx
    .insertInto('tracking_events')
    .values(rows)
    .onConflict((oc) => oc.columns(['shipment_id', 'dedupe_key']).doNothing())
    .returningAll()
    .execute();
}

export async function findTrackingEvents(
  db: Conn,
  shipmentIds: readonly string[],
): Promise<TrackingEventRow[]> {
  if (shipmentIds.length === 0) return [];
  return db
    .selectFrom('tracking_events')
    .selectAll()
    .where('shipment_id', 'in', shipmentIds)
    .orderBy('occurred_at')
    .orderBy('id')
    .execute();
}

/**
 * Per order line, units in the order's own shipments that have left, and that were delivered
 * (with the last delivery time): what fulfilment and after-sales count on.
 */
export async function lineShipmentTotals(db: Conn, orderId: string) {
  return db
    .selectFrom('shipment_lines as l')
    .innerJoin('shipments as s', 's.id', 'l.shipment_id')
    .select([
      'l.order_line_id',
      sql<number>`sum(l.quantity)::int`.as('assigned'),
      sql<number>`coalesce(sum(l.quantity) filter (where s.status <> 'pending'), 0)::int`.as('shipped'),
      sql<number>`coalesce(sum(l.quantity) filter (where s.status = 'delivered'), 0)::int`.as('delivered'),
      sql<Date | null>`max(s.delivered_at)`.as('last_delivered_at'),
    ])
    .where('s.order_id', '=', orderId)
    .where('s.kind', '=', 'order')
    .groupBy('l.order_line_id')
    .execute();
}

/**
 * A warehouse's shipments still to be picked (pending) prepared in [from, to), oldest first, locked;
 * rows another transaction holds are skipped, so two pick-list runs never batch the same shipment.
 */
export async function lockPendingShipments(
  trx: Trx,
  warehouseId: string,
  from: Date,
  to: Date,
): Promise<ShipmentRow[]> {
  return trx
    .selectFrom('shipments')
    .selectAll()
    .where('warehouse_id', '=', warehouseId)
    .where('status', '=', 'pending')
    .where('created_at', '>=', from)
    .where('created_at', '<', to)
    .orderBy('created_at')
    .orderBy('id')
    .forUpdate()
    .skipLocked()
    .execute();
}
