import type { Conn, Db, Trx } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import {
  commitReservations,
  findWarehouse,
  listReservationsForOrder,
  type ReservationView,
} from '../inventory/index.js';
import {
  addOrderTimeline,
  lockOrder,
  type OrderHooks,
  type OrderRow,
  toOrderSnapshot,
} from '../orders/index.js';
import { enqueue } from '../sync/index.js';
import { findCarrier, trackingFormatHint } from './carriers.js';
import type { CreateShipmentBody, ShipBody, Shipment } from './fulfillment.schemas.js';
import { advanceOrder, orderLineProgress } from './order-progress.js';
import { assertShipmentTransition } from './shipment-state.js';
import { shipmentSnapshot, toShipment } from './shipment-views.js';
import {
  assignedReservationIds,
  findShipmentById,
  findShipmentLines,
  findShipmentsOfOrder,
  findTrackingEvents,
  insertShipment,
  lockShipmentById,
  type ShipmentRow,
  updateShipment,
} from './shipments.repository.js';

/** A parcel of the delivery plan (delivery's consumer writes it at placement; app-services hands it here). */
export interface PlannedParcel {
  shipTo: string;
  warehouses: string[];
  carrier: string | null;
}
export type ShippingPlans = (db: Conn, orderId: string) => Promise<PlannedParcel[]>;

/** The plan's parcel a shipment to `shipTo` (or the order's only parcel) belongs to. */
function parcelOf(plans: readonly PlannedParcel[], shipTo: string | undefined) {
  if (shipTo !== undefined) return plans.find((p) => p.shipTo === shipTo);
  return plans.length === 1 ? plans[0] : undefined;
}

/**
 * The warehouse a shipment named none of comes from: the plan's, when the plan ships that parcel
 * from one warehouse. Otherwise the caller has to say, and the 422 says why.
 */
function plannedWarehouse(plans: readonly PlannedParcel[], shipTo: string | undefined): string {
  const missing = (why: string) =>
    new AppError('unprocessable', `Name the warehouse: ${why}`, {
      errors: [{ field: 'body.warehouse', message: why }],
    });
  if (plans.length === 0) throw missing('the order has no delivery plan (yet)');
  const parcel = parcelOf(plans, shipTo);
  if (!parcel) {
    throw missing(
      shipTo === undefined
        ? `the plan has parcels to ${plans.map((p) => p.shipTo).join(', ')}; name shipTo or the warehouse`
        : `the plan has no parcel to ${shipTo}`,
    );
  }
  if (parcel.warehouses.length !== 1) {
    throw missing(
      parcel.warehouses.length === 0
        ? `the plan found no stock reserved for ${parcel.shipTo}`
        : `the plan splits ${parcel.shipTo} over ${parcel.warehouses.join(', ')}`,
    );
  }
  return parcel.warehouses[0]!;
}

async function warehouseCode(db: Conn, id: string) {
  return (await findWarehouse(db, id))?.code ?? id;
}

/** A shipment with its lines and tracking, as the API shows it. */
export async function loadShipment(db: Conn, row: ShipmentRow): Promise<Shipment> {
  const [lines, events] = await Promise.all([
    findShipmentLines(db, [row.id]),
    findTrackingEvents(db, [row.id]),
  ]);
  return toShipment(row, await warehouseCode(db, row.warehouse_id), lines, events);
}

export async function getShipment(db: Db, id: string): Promise<Shipment> {
  const row = await findShipmentById(db, id);
  if (!row) throw notFound('Shipment', id);
  return loadShipment(db, row);
}

async function writeShipment(
  trx: Trx,
  order: OrderRow,
  input: {
    kind: 'order' | 'replacement';
    returnId: string | null;
    warehouseId: string;
    shipTo: string;
    carrier: string | null;
  },
  picks: { reservation: ReservationView; orderLineId: string }[],
  actor: string,
): Promise<ShipmentRow> {
  const id = newId();
  const lines = picks.map((p) => ({
    id: newId(),
    shipment_id: id,
    order_line_id: p.orderLineId,
    reservation_id: p.reservation.id,
    sku: p.reservation.sku,
    quantity: p.reservation.quantity,
  }));
  const shipment = await insertShipment(
    trx,
    {
      id,
      order_id: order.id,
      kind: input.kind,
      return_id: input.returnId,
      warehouse_id: input.warehouseId,
      ship_to: input.shipTo,
      carrier: input.carrier,
      status: 'pending',
    },
    lines,
  );
  const code = picks[0]!.reservation.warehouseCode;
  await addOrderTimeline(trx, order.id, {
    kind: 'shipment.created',
    actor,
    message: `${input.kind === 'replacement' ? 'Replacement shipment' : 'Shipment'} prepared at ${code}${input.carrier ? ` for ${findCarrier(input.carrier)?.name ?? input.carrier}` : ''}: ${lines.map((l) => `${l.quantity}× ${l.sku}`).join(', ')}`,
    data: { shipmentId: id },
  });
  await enqueue(trx, 'fulfillment', order.id, [
    {
      type: 'shipment.created',
      data: { order: toOrderSnapshot(order), shipment: shipmentSnapshot(shipment, code, lines) },
    },
  ]);
  return shipment;
}

/**
 * POST /v1/orders/{id}/shipments: a shipment of paid (or cash-on-delivery) lines from the warehouse
 * holding their reservations, to one address. Under the order's lock, reservations already in a
 * shipment are not offered again, so of two concurrent requests for the same lines one gets a 409.
 * The warehouse and carrier default to the delivery plan's for that address; named ones win.
 */
export function createShipment(
  db: Db,
  shippingPlans: ShippingPlans,
  orderId: string,
  input: CreateShipmentBody,
  actor: string,
): Promise<Shipment> {
  return inTransaction(db, async (trx) => {
    const order = await lockOrder(trx, orderId);
    if (!['paid', 'placed', 'partially_shipped'].includes(order.status)) {
      throw new AppError('illegal_transition', `A ${order.status} order has nothing to ship`, {
        currentStatus: order.status,
      });
    }
    // read only when something is left to the plan
    const plans = input.warehouse && input.carrier ? [] : await shippingPlans(trx, orderId);
    const warehouseRef = input.warehouse ?? plannedWarehouse(plans, input.shipTo);
    const warehouse = await findWarehouse(trx, warehouseRef);
    if (!warehouse) {
      throw new AppError('unprocessable', `Warehouse ${warehouseRef} is not known`, {
        errors: [{ field: 'body.warehouse', message: 'is not a warehouse code or id' }],
      });
    }
    const lines = new Map((await orderLineProgress(trx, orderId)).map((l) => [l.id, l]));
    const taken = await assignedReservationIds(trx, orderId);
    let open = (await listReservationsForOrder(trx, orderId)).filter(
      (r) =>
        r.status === 'active' &&
        r.warehouseId === warehouse.id &&
        r.lineId &&
        lines.has(r.lineId) &&
        !taken.has(r.id),
    );
    if (input.lineIds) {
      const wanted = new Set(input.lineIds);
      const missing = input.lineIds.filter((id) => !open.some((r) => r.lineId === id));
      if (missing.length) {
        throw new AppError(
          'conflict',
          `Nothing of line(s) ${missing.join(', ')} is left to ship from ${warehouse.code}`,
          { lineIds: missing },
        );
      }
      open = open.filter((r) => wanted.has(r.lineId!));
    }
    if (input.shipTo) open = open.filter((r) => lines.get(r.lineId!)!.shipTo === input.shipTo);
    if (open.length === 0)
      throw new AppError('conflict', `Nothing of this order is left to ship from ${warehouse.code}`);
    const addresses = [...new Set(open.map((r) => lines.get(r.lineId!)!.shipTo))];
    if (addresses.length > 1) {
      throw new AppError(
        'unprocessable',
        `These lines go to several addresses (${addresses.join(', ')}); ship each separately`,
        {
          errors: [{ field: 'body.shipTo', message: `pick one of ${addresses.join(', ')}` }],
        },
      );
    }
    const shipTo = addresses[0]!;
    const shipment = await writeShipment(
      trx,
      order,
      {
        kind: 'order',
        returnId: null,
        warehouseId: warehouse.id,
        shipTo,
        carrier: input.carrier ?? parcelOf(plans, shipTo)?.carrier ?? null,
      },
      open.map((r) => ({ reservation: r, orderLineId: r.lineId! })),
      actor,
    );
    return loadShipment(trx, shipment);
  });
}

/**
 * Exchange goods go out as replacement shipments, one per warehouse that reserved them; they do not
 * move the order's status. Runs inside the return's transaction.
 */
export async function createReplacementShipments(
  trx: Trx,
  order: OrderRow,
  returnId: string,
  picks: { reservation: ReservationView; orderLineId: string; shipTo: string }[],
  actor: string,
): Promise<string[]> {
  const groups = new Map<string, typeof picks>();
  for (const p of picks) {
    const key = `${p.reservation.warehouseId}\u0000${p.shipTo}`;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  const ids = [];
  for (const group of groups.values()) {
    const first = group[0]!;
    const s = await writeShipment(
      trx,
      order,
      {
        kind: 'replacement',
        returnId,
        warehouseId: first.reservation.warehouseId,
        shipTo: first.shipTo,
        carrier: null,
      },
      group,
      actor,
    );
    ids.push(s.id);
  }
  return ids;
}

/**
 * POST /v1/shipments/{id}/ship: handed to a carrier with its tracking number. The reservations are
 * committed (on hand and reserved both fall) and the order moves to partially shipped or shipped.
 */
export function shipShipment(
  db: Db,
  hooks: OrderHooks,
  id: string,
  input: ShipBody,
  actor: string,
): Promise<Shipment> {
  return inTransaction(db, async (trx) => {
    const found = await findShipmentById(trx, id);
    if (!found) throw notFound('Shipment', id);
    const order = await lockOrder(trx, found.order_id);
    const shipment = (await lockShipmentById(trx, id))!;
    const to = assertShipmentTransition(shipment, 'ship');
    const carrier = findCarrier(input.carrier ?? shipment.carrier ?? '');
    if (!carrier) {
      throw new AppError('unprocessable', 'Name the carrier: the shipment was prepared without one', {
        errors: [{ field: 'body.carrier', message: 'is required for this shipment' }],
      });
    }
    if (!carrier.trackingPattern.test(input.trackingNumber)) {
      throw new AppError(
        'unprocessable',
        `${input.trackingNumber} is not a ${carrier.name} tracking number: ${trackingFormatHint(carrier)}`,
        {
          errors: [
            {
              field: 'body.trackingNumber',
              message: `must be ${carrier.trackingFormat} (e.g. ${carrier.trackingExample})`,
            },
          ],
        },
      );
    }
    const lines = await findShipmentLines(trx, [id]);
    const committed = await commitReservations(
      trx,
      order.id,
      lines.map((l) => l.reservation_id),
    );
    if (committed.length !== lines.length) {
      throw new AppError('conflict', 'Some of the shipment’s stock is no longer reserved for the order');
    }
    const shipped = await updateShipment(trx, id, {
      status: to,
      carrier: carrier.code,
      tracking_number: input.trackingNumber,
      shipped_at: new Date(),
    });
    const code = committed[0]!.warehouseCode;
    await addOrderTimeline(trx, order.id, {
      kind: 'shipment.shipped',
      actor,
      message: `Shipped from ${code} with ${carrier.name}, tracking ${input.trackingNumber}`,
      data: { shipmentId: id },
    });
    await enqueue(trx, 'fulfillment', order.id, [
      {
        type: 'shipment.shipped',
        data: { order: toOrderSnapshot(order), shipment: shipmentSnapshot(shipped, code, lines) },
      },
    ]);
    if (shipped.kind === 'order') await advanceOrder(trx, order, hooks, { shipmentId: id, actor });
    return loadShipment(trx, shipped);
  });
}

/** Order hook: the shipments section of GET /v1/orders/{id}. */
export async function shipmentsSection(db: Conn, orderId: string) {
  const rows = await findShipmentsOfOrder(db, orderId);
  return { shipments: await Promise.all(rows.map((r) => loadShipment(db, r))) };
}
