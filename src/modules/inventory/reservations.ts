import type { Conn, Trx } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import { insertAdjustments } from './adjustments.repository.js';
import type { ReservationView } from './inventory.types.js';
import {
  flipActiveReservations,
  listReservations,
  listReservationsOfOrders,
} from './reservations.repository.js';
import { commitStock, releaseOrderReservations } from './stock.repository.js';
import { sumByStockKey } from './stock-key.js';

type ReservationRow = Awaited<ReturnType<typeof listReservations>>[number];

const toView = (r: ReservationRow): ReservationView => ({
  id: r.id,
  lineId: r.line_id,
  sku: r.sku,
  warehouseId: r.warehouse_id,
  warehouseCode: r.warehouse_code,
  quantity: r.quantity,
  status: r.status,
});

const withKeys = (rows: readonly ReservationRow[]) =>
  rows.map((r) => ({ sku: r.sku, warehouseId: r.warehouse_id, quantity: r.quantity }));

/**
 * Releases the order's active reservations and returns them. Only what the status flip returned is
 * given back to stock, so a cancel racing an unpaid-order timeout releases once; a second call finds
 * nothing active and returns [].
 */
export async function releaseForOrder(trx: Trx, orderId: string): Promise<ReservationView[]> {
  return (await releaseOrderReservations(trx, orderId)).map(toView);
}

/**
 * Ships the order's active reservations (all, or those of `lineIds`): the units leave on hand and
 * reserved together, and each stock level's history gets a 'shipment' entry.
 */
export async function commitForOrder(
  trx: Trx,
  orderId: string,
  lineIds?: readonly string[],
): Promise<ReservationView[]> {
  return shipFlipped(trx, orderId, await flipActiveReservations(trx, orderId, 'committed', lineIds));
}

/**
 * Ships exactly these reservations (a shipment from one warehouse). Returns what was committed; a
 * reservation no longer active (released by a cancel) is missing from the result, and the caller
 * refuses the shipment.
 */
export async function commitReservations(
  trx: Trx,
  orderId: string,
  reservationIds: readonly string[],
): Promise<ReservationView[]> {
  return shipFlipped(
    trx,
    orderId,
    await flipActiveReservations(trx, orderId, 'committed', undefined, reservationIds),
  );
}

/** Takes reservations just flipped to committed out of on hand and reserved, with a history entry per level. */
async function shipFlipped(
  trx: Trx,
  orderId: string,
  committed: ReservationRow[],
): Promise<ReservationView[]> {
  const history = [];
  for (const level of sumByStockKey(withKeys(committed))) {
    const onHandAfter = await commitStock(trx, level, level.quantity);
    history.push({
      id: newId(),
      sku: level.sku,
      warehouse_id: level.warehouseId,
      delta: -level.quantity,
      on_hand_after: onHandAfter,
      reason: 'shipment' as const,
      note: `order ${orderId}`,
    });
  }
  await insertAdjustments(trx, history);
  return committed.map(toView);
}

export async function listReservationsForOrder(db: Conn, orderId: string): Promise<ReservationView[]> {
  return (await listReservations(db, orderId)).map(toView);
}

/** The reservations of several orders in one read, each with its order. */
export async function listReservationsForOrders(
  db: Conn,
  orderIds: readonly string[],
): Promise<Array<ReservationView & { orderId: string }>> {
  return (await listReservationsOfOrders(db, orderIds)).map((r) => ({ ...toView(r), orderId: r.order_id }));
}
