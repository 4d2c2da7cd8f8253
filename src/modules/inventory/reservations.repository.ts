import { sql } from 'kysely';
import type { Conn, Trx } from '../../platform/db/database.js';
import { anyUuid } from '../../platform/db/row-sets.js';
import type { ReservationStatus } from './inventory.tables.js';

const viewColumns = [
  'reservations.id',
  'reservations.line_id',
  'reservations.sku',
  'reservations.warehouse_id',
  'warehouses.code as warehouse_code',
  'reservations.quantity',
  'reservations.status',
] as const;

export async function listReservations(db: Conn, orderId: string) {
  return db
    .selectFrom('reservations')
    .innerJoin('warehouses', 'warehouses.id', 'reservations.warehouse_id')
    .select(viewColumns)
    .where('reservations.order_id', '=', orderId)
    .orderBy('reservations.id')
    .execute();
}

/** The reservations of several orders (a consumer's batch), with each one's order. */
export async function listReservationsOfOrders(db: Conn, orderIds: readonly string[]) {
  if (orderIds.length === 0) return [];
  return db
    .selectFrom('reservations')
    .innerJoin('warehouses', 'warehouses.id', 'reservations.warehouse_id')
    .select([...viewColumns, 'reservations.order_id'])
    .where('reservations.order_id', '=', anyUuid(orderIds))
    .orderBy('reservations.id')
    .execute();
}

/**
 * Moves an order's active reservations (optionally only some lines') to `to`, returning exactly the
 * rows this statement moved. Whoever flips a row owns giving its quantity back; a concurrent second
 * caller blocks on the row lock, then finds status no longer 'active' and flips nothing.
 *
 *   update reservations set status = $to, updated_at = now()
 *   from warehouses
 *   where warehouses.id = reservations.warehouse_id
 *     and reservations.order_id = $o and reservations.status = 'active' [and line_id in (…)]
 *   returning reservations.id, …, warehouses.code
 */
export async function flipActiveReservations(
  trx: Trx,
  orderId: string,
  to: Exclude<ReservationStatus, 'active'>,
  lineIds?: readonly string[],
  reservationIds?: readonly string[],
) {
  if (lineIds?.length === 0 || reservationIds?.length === 0) return [];
  let q = trx
    .updateTable('reservations')
    .from('warehouses')
    .set({ status: to, updated_at: sql`now()` })
    .whereRef('warehouses.id', '=', 'reservations.warehouse_id')
    .where('reservations.order_id', '=', orderId)
    .where('reservations.status', '=', 'active');
  if (lineIds) q = q.where('reservations.line_id', 'in', lineIds);
  if (reservationIds) q = q.where('reservations.id', 'in', reservationIds);
  const rows = await q.returning(viewColumns).execute();
  return rows.sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** An order line's active reservations, locked, newest first (the ones given back first). */
export async function lockActiveLineReservations(trx: Trx, orderId: string, lineId: string) {
  return trx
    .selectFrom('reservations')
    .selectAll()
    .where('order_id', '=', orderId)
    .where('line_id', '=', lineId)
    .where('status', '=', 'active')
    .orderBy('id', 'desc')
    .forUpdate()
    .execute();
}

/** Shrinks a reservation by `quantity`, or releases it when that is all of it. */
export async function shrinkReservation(trx: Trx, id: string, quantity: number, whole: boolean) {
  await trx
    .updateTable('reservations')
    .set(
      whole
        ? { status: 'released', updated_at: sql`now()` }
        : { quantity: sql`quantity - ${quantity}`, updated_at: sql`now()` },
    )
    .where('id', '=', id)
    .execute();
}
