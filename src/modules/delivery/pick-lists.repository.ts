import type { Insertable } from 'kysely';
import type { Conn, Trx } from '../../platform/db/database.js';
import type { PickListLinesTable, PickListsTable } from './delivery.tables.js';

export async function upsertBinLocations(
  trx: Trx,
  warehouseId: string,
  locations: ReadonlyArray<{ sku: string; location: string }>,
): Promise<void> {
  await trx
    .insertInto('bin_locations')
    .values(locations.map((l) => ({ warehouse_id: warehouseId, sku: l.sku, location: l.location })))
    .onConflict((oc) =>
      oc.columns(['warehouse_id', 'sku']).doUpdateSet((eb) => ({
        location: eb.ref('excluded.location'),
        updated_at: new Date(),
      })),
    )
    .execute();
}

export async function findBinLocations(
  db: Conn,
  warehouseId: string,
  skus: readonly string[],
): Promise<Map<string, string>> {
  if (skus.length === 0) return new Map();
  const rows = await db
    .selectFrom('bin_locations')
    .select(['sku', 'location'])
    .where('warehouse_id', '=', warehouseId)
    .where('sku', 'in', skus)
    .execute();
  return new Map(rows.map((r) => [r.sku, r.location]));
}

/** Of these shipments, the ones already in a pick list. */
export async function batchedShipmentIds(db: Conn, shipmentIds: readonly string[]): Promise<Set<string>> {
  if (shipmentIds.length === 0) return new Set();
  const rows = await db
    .selectFrom('pick_list_shipments')
    .select('shipment_id')
    .where('shipment_id', 'in', shipmentIds)
    .execute();
  return new Set(rows.map((r) => r.shipment_id));
}

/** The carrier planned for each (order, address), where a plan exists. */
export async function plannedCarriers(
  db: Conn,
  orderIds: readonly string[],
): Promise<Map<string, string | null>> {
  if (orderIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('delivery_plans')
    .select(['order_id', 'ship_to', 'carrier'])
    .where('order_id', 'in', orderIds)
    .execute();
  return new Map(rows.map((r) => [`${r.order_id}|${r.ship_to}`, r.carrier]));
}

export async function insertPickLists(
  trx: Trx,
  lists: ReadonlyArray<{
    list: Insertable<PickListsTable>;
    lines: Insertable<PickListLinesTable>[];
    shipmentIds: readonly string[];
  }>,
): Promise<void> {
  if (lists.length === 0) return;
  await trx
    .insertInto('pick_lists')
    .values(lists.map((l) => l.list))
    .execute();
  await trx
    .insertInto('pick_list_lines')
    .values(lists.flatMap((l) => l.lines))
    .execute();
  await trx
    .insertInto('pick_list_shipments')
    .values(lists.flatMap((l) => l.shipmentIds.map((id) => ({ shipment_id: id, pick_list_id: l.list.id! }))))
    .execute();
}

export function findPickList(db: Conn, id: string) {
  return db.selectFrom('pick_lists').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findPickListLines(db: Conn, ids: readonly string[]) {
  return db
    .selectFrom('pick_list_lines')
    .selectAll()
    .where('pick_list_id', 'in', ids)
    .orderBy('pick_list_id')
    .orderBy('seq')
    .execute();
}
