import type { Conn, Db } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { AppError, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { findShipmentLines, lockPendingShipments } from '../fulfillment/index.js';
import { findWarehouse } from '../inventory/index.js';
import type { BinLocationsBody, CreatePickListsBody, PickList } from './delivery.schemas.js';
import type { PickListShipment } from './delivery.tables.js';
import {
  batchedShipmentIds,
  findBinLocations,
  findPickList,
  findPickListLines,
  insertPickLists,
  plannedCarriers,
  upsertBinLocations,
} from './pick-lists.repository.js';

const DEFAULT_BATCH = 50;
const DAY_MS = 86_400_000;

/** Bins in walking order: A-2 before A-10; lines with no known bin go last, by SKU. */
export function walkingOrder(
  a: { location: string | null; sku: string },
  b: { location: string | null; sku: string },
): number {
  if (a.location !== b.location) {
    if (a.location === null) return 1;
    if (b.location === null) return -1;
    return a.location.localeCompare(b.location, 'en', { numeric: true, sensitivity: 'base' });
  }
  return a.sku < b.sku ? -1 : a.sku > b.sku ? 1 : 0;
}

async function warehouseOf(db: Conn, ref: string) {
  const warehouse = await findWarehouse(db, ref);
  if (!warehouse) throw notFound('Warehouse', ref);
  return warehouse;
}

/** PUT /v1/warehouses/{id}/bin-locations: where SKUs sit in the warehouse (set or moved). */
export async function setBinLocations(
  db: Db,
  ref: string,
  body: BinLocationsBody,
): Promise<{ updated: number }> {
  const skus = body.locations.map((l) => l.sku);
  const twice = skus.find((s, i) => skus.indexOf(s) !== i);
  if (twice)
    throw new AppError('unprocessable', `SKU ${twice} is given two locations`, {
      errors: [{ field: 'body.locations', message: `${twice} appears more than once` }],
    });
  return inTransaction(db, async (trx) => {
    const warehouse = await warehouseOf(trx, ref);
    await upsertBinLocations(trx, warehouse.id, body.locations);
    return { updated: body.locations.length };
  });
}

/**
 * POST /v1/warehouses/{id}/pick-lists: the day's prepared (pending) shipments of the warehouse not yet
 * in a pick list, oldest first, batched maxShipments at a time; each list sums its units per SKU and
 * orders them by bin so a picker walks the aisles once, and says for each line which shipments take
 * how many. Shipments are locked while batched (SKIP LOCKED), so two runs at once never share one.
 * An empty answer means nothing was waiting.
 */
export function createPickLists(
  db: Db,
  ref: string,
  body: CreatePickListsBody,
  actor: string,
  now = new Date(),
): Promise<PickList[]> {
  const day = body.day ?? now.toISOString().slice(0, 10);
  const from = new Date(`${day}T00:00:00.000Z`);
  if (Number.isNaN(from.getTime()) || from.toISOString().slice(0, 10) !== day)
    throw new AppError('unprocessable', `${day} is not a day`, {
      errors: [{ field: 'body.day', message: 'must be a calendar day, YYYY-MM-DD' }],
    });
  const batch = body.maxShipments ?? DEFAULT_BATCH;
  return inTransaction(db, async (trx) => {
    const warehouse = await warehouseOf(trx, ref);
    const locked = await lockPendingShipments(trx, warehouse.id, from, new Date(from.getTime() + DAY_MS));
    const done = await batchedShipmentIds(
      trx,
      locked.map((s) => s.id),
    );
    const shipments = locked.filter((s) => !done.has(s.id));
    if (shipments.length === 0) return [];
    const [lines, carriers] = await Promise.all([
      findShipmentLines(
        trx,
        shipments.map((s) => s.id),
      ),
      plannedCarriers(trx, [...new Set(shipments.map((s) => s.order_id))]),
    ]);
    const bins = await findBinLocations(trx, warehouse.id, [...new Set(lines.map((l) => l.sku))]);
    const createdAt = new Date();
    const lists = [];
    for (let start = 0; start < shipments.length; start += batch) {
      const group = shipments.slice(start, start + batch);
      const id = newId();
      const bySku = new Map<string, { sku: string; quantity: number; shipments: Map<string, number> }>();
      for (const s of group) {
        for (const l of lines.filter((x) => x.shipment_id === s.id)) {
          const entry = bySku.get(l.sku) ?? { sku: l.sku, quantity: 0, shipments: new Map<string, number>() };
          entry.quantity += l.quantity;
          entry.shipments.set(s.id, (entry.shipments.get(s.id) ?? 0) + l.quantity);
          bySku.set(l.sku, entry);
        }
      }
      const walk = [...bySku.values()]
        .map((e) => ({ ...e, location: bins.get(e.sku) ?? null }))
        .sort(walkingOrder)
        .map((e, i) => ({
          pick_list_id: id,
          seq: i + 1,
          location: e.location,
          sku: e.sku,
          quantity: e.quantity,
          shipments: [...e.shipments].map(([shipmentId, quantity]) => ({ shipmentId, quantity })),
        }));
      const listed: PickListShipment[] = group.map((s) => ({
        shipmentId: s.id,
        orderId: s.order_id,
        shipTo: s.ship_to,
        carrier: carriers.get(`${s.order_id}|${s.ship_to}`) ?? null,
      }));
      lists.push({ id, walk, listed, shipmentIds: group.map((s) => s.id) });
    }
    await insertPickLists(
      trx,
      lists.map((l) => ({
        list: {
          id: l.id,
          warehouse_id: warehouse.id,
          day,
          shipments: JSON.stringify(l.listed),
          created_by: actor,
          created_at: createdAt,
        },
        lines: l.walk.map((w) => ({ ...w, shipments: JSON.stringify(w.shipments) })),
        shipmentIds: l.shipmentIds,
      })),
    );
    return lists.map((l) => ({
      id: l.id,
      warehouse: warehouse.code,
      day,
      createdBy: actor,
      createdAt: createdAt.toISOString(),
      shipments: l.listed,
      lines: l.walk.map((w) => ({
        seq: w.seq,
        location: w.location,
        sku: w.sku,
        quantity: w.quantity,
        shipments: w.shipments,
      })),
    }));
  });
}

/** GET /v1/pick-lists/{id}. */
export async function getPickList(db: Db, id: string): Promise<PickList> {
  const list = await findPickList(db, id);
  if (!list) throw notFound('Pick list', id);
  const [lines, warehouse] = await Promise.all([
    findPickListLines(db, [id]),
    findWarehouse(db, list.warehouse_id),
  ]);
  return {
    id: list.id,
    warehouse: warehouse?.code ?? list.warehouse_id,
    day: list.day,
    createdBy: list.created_by,
    createdAt: list.created_at.toISOString(),
    shipments: list.shipments,
    lines: lines.map((l) => ({
      seq: l.seq,
      location: l.location,
      sku: l.sku,
      quantity: l.quantity,
      shipments: l.shipments,
    })),
  };
}
