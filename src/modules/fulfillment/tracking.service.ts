import type { Db, Trx } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { AppError, invalid, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { checkStateTransition, type TransitionCheck } from '../../platform/state-machine.js';
import { findWarehouse } from '../inventory/index.js';
import {
  addOrderTimeline,
  lockOrder,
  type OrderHooks,
  type OrderRow,
  toOrderSnapshot,
} from '../orders/index.js';
import { enqueue } from '../sync/index.js';
import { findCarrier } from './carriers.js';
import type { DeliverBody, Shipment } from './fulfillment.schemas.js';
import { advanceOrder } from './order-progress.js';
import {
  assertShipmentTransition,
  SHIPMENT_TRANSITIONS,
  type ShipmentStatus,
  TRACKING_ACTION,
} from './shipment-state.js';
import { shipmentSnapshot } from './shipment-views.js';
import {
  findShipmentById,
  findShipmentLines,
  findShipmentsByTracking,
  insertNewTrackingEvents,
  lockShipmentById,
  type ShipmentRow,
  updateShipment,
} from './shipments.repository.js';
import { loadShipment } from './shipments.service.js';
import type { TrackingPush } from './tracking-formats.js';

export interface TrackingResult {
  shipmentId: string;
  added: number;
  status: ShipmentStatus;
}

/**
 * Appends a push's events to its shipment (events already stored are skipped by their dedupe key)
 * and moves the shipment along its state table, event by event in time order; an event that the
 * table does not allow from where the shipment is (an old "in transit" after "delivered") is kept
 * as history and changes nothing. A delivered order shipment may deliver the order.
 */
export async function applyTrackingPush(
  db: Db,
  hooks: OrderHooks,
  pathCarrier: string,
  push: TrackingPush,
): Promise<TrackingResult> {
  const carrier = push.carrier ?? (findCarrier(pathCarrier) ? pathCarrier : undefined);
  const matches = await findShipmentsByTracking(db, push.trackingNumber, carrier);
  if (matches.length !== 1) {
    throw new AppError(
      'not_found',
      `No shipment has tracking number ${push.trackingNumber}${carrier ? ` with ${carrier}` : ''}`,
    );
  }
  const actor = `carrier:${carrier ?? pathCarrier}`;
  return inTransaction(db, async (trx) => {
    const order = await lockOrder(trx, matches[0]!.order_id);
    const shipment = (await lockShipmentById(trx, matches[0]!.id))!;
    if (shipment.status === 'pending')
      throw new AppError('illegal_transition', 'The shipment has not been handed to the carrier yet', {
        currentStatus: shipment.status,
      });
    const added = await insertNewTrackingEvents(
      trx,
      push.events.map((e) => ({
        id: newId(),
        shipment_id: shipment.id,
        occurred_at: e.time,
        status: e.status,
        carrier_status: e.carrierStatus,
        description: e.description.slice(0, 1000),
        location: e.location,
        dedupe_key: e.dedupeKey,
      })),
    );
    let status: ShipmentStatus = shipment.status;
    let last: (typeof added)[number] | undefined;
    for (const e of [...added].sort(
      (a, b) => new Date(a.occurred_at).getTime() - new Date(b.occurred_at).getTime(),
    )) {
      const action = TRACKING_ACTION[e.status];
      if (!action) continue;
      const check: TransitionCheck<ShipmentStatus> = checkStateTransition(
        'shipment',
        SHIPMENT_TRANSITIONS,
        { status },
        action,
      );
      if (check.ok && check.to !== status) {
        status = check.to;
        last = e;
      }
    }
    if (status === shipment.status || !last) return { shipmentId: shipment.id, added: added.length, status };
    await moveShipment(trx, hooks, order, shipment, status, {
      time: new Date(last.occurred_at),
      description: last.description,
      actor,
    });
    return { shipmentId: shipment.id, added: added.length, status };
  });
}

/**
 * Writes a shipment's new status with what moved it: the timeline, the shipment.status_changed event,
 * and, for an order's own shipment delivered, the order's progress. Inside the caller's transaction,
 * with the order and the shipment locked.
 */
async function moveShipment(
  trx: Trx,
  hooks: OrderHooks,
  order: OrderRow,
  shipment: ShipmentRow,
  status: ShipmentStatus,
  why: { time: Date; description: string; actor: string },
): Promise<ShipmentRow> {
  const updated = await updateShipment(trx, shipment.id, {
    status,
    ...(status === 'delivered' ? { delivered_at: why.time } : {}),
  });
  const lines = await findShipmentLines(trx, [shipment.id]);
  const code = (await findWarehouse(trx, shipment.warehouse_id))?.code ?? shipment.warehouse_id;
  await addOrderTimeline(trx, order.id, {
    kind: 'shipment.status_changed',
    actor: why.actor,
    message: `Shipment ${shipment.tracking_number}: ${shipment.status} → ${status} (${why.description})`,
    data: { shipmentId: shipment.id },
  });
  await enqueue(trx, 'fulfillment', order.id, [
    {
      type: 'shipment.status_changed',
      data: {
        order: toOrderSnapshot(order),
        shipment: shipmentSnapshot(updated, code, lines),
        from: shipment.status,
        event: { time: why.time.toISOString(), description: why.description },
      },
    },
  ]);
  if (status === 'delivered' && shipment.kind === 'order') {
    await advanceOrder(trx, order, hooks, { shipmentId: shipment.id, actor: why.actor });
  }
  return updated;
}

/**
 * POST /v1/shipments/{id}/deliver: an operator marks a shipment delivered by hand, with a reason, when
 * no carrier push will (no carrier integration, a lost push, a parcel handed over at the counter).
 * The reason is kept as a tracking event and in the order's timeline; the order moves on as it would
 * on a carrier's "delivered".
 */
export function markShipmentDelivered(
  db: Db,
  hooks: OrderHooks,
  id: string,
  input: DeliverBody,
  actor: string,
  now = new Date(),
): Promise<Shipment> {
  const time = input.deliveredAt ? new Date(input.deliveredAt) : now;
  if (time.getTime() > now.getTime() + 60_000) {
    throw invalid([{ field: 'body.deliveredAt', message: 'must not be in the future' }]);
  }
  return inTransaction(db, async (trx) => {
    const found = await findShipmentById(trx, id);
    if (!found) throw notFound('Shipment', id);
    const order = await lockOrder(trx, found.order_id);
    const shipment = (await lockShipmentById(trx, id))!;
    const to = assertShipmentTransition(shipment, 'deliver');
    if (shipment.shipped_at && time.getTime() < new Date(shipment.shipped_at).getTime()) {
      throw invalid([{ field: 'body.deliveredAt', message: 'must not be before the shipment left' }]);
    }
    const description = `Marked delivered by ${actor}: ${input.reason}`;
    await insertNewTrackingEvents(trx, [
      {
        id: newId(),
        shipment_id: id,
        occurred_at: time,
        status: 'delivered',
        carrier_status: 'manual',
        description: description.slice(0, 1000),
        location: null,
        dedupe_key: `manual:${newId()}`,
      },
    ]);
    const updated = await moveShipment(trx, hooks, order, shipment, to, { time, description, actor });
    return loadShipment(trx, updated);
  });
}
