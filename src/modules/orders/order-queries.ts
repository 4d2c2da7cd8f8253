import type { Role } from '../../platform/auth/roles.js';
import type { Db } from '../../platform/db/database.js';
import { inSnapshot } from '../../platform/db/transaction.js';
import { notFound } from '../../platform/errors.js';
import { decodeCursor, pageOf } from '../../platform/http/pagination.js';
import { listReservationsForOrder } from '../inventory/index.js';
import type { OrderHooks } from './order-hooks.js';
import { seesStaffEntries, toOrder, toOrderSummary } from './order-views.js';
import {
  findOrderAddresses,
  findOrderById,
  findOrderLines,
  findTimeline,
  listOrders,
} from './orders.repository.js';
import { type ListOrdersQuery, OrderCursor } from './orders.schemas.js';
import { phoneSpellings } from './phone-number.js';

/** An order as placing it answers: lines and addresses, as it stands now. */
export async function getOrder(db: Db, id: string) {
  const order = await findOrderById(db, id);
  if (!order) throw notFound('Order', id);
  const [lines, addresses] = await Promise.all([findOrderLines(db, id), findOrderAddresses(db, id)]);
  return toOrder(order, lines, addresses);
}

/**
 * The order with every module's section, as `viewer` may see it (timeline notes for staff only). Read
 * in one snapshot: parts read apart could show a module's row without the timeline entry its
 * transaction wrote with it.
 */
export async function getOrderDetail(db: Db, id: string, hooks: OrderHooks, viewer: Role | undefined) {
  return inSnapshot(db, (trx) => readOrderDetail(trx, id, hooks, viewer));
}

/** getOrderDetail inside the caller's snapshot (a page that shows several orders). */
export async function readOrderDetail(db: Db, id: string, hooks: OrderHooks, viewer: Role | undefined) {
  const order = await findOrderById(db, id);
  if (!order) throw notFound('Order', id);
  const [lines, addresses, reservations, timeline, ...sections] = await Promise.all([
    findOrderLines(db, id),
    findOrderAddresses(db, id),
    listReservationsForOrder(db, id),
    findTimeline(db, id),
    ...hooks.detailSections.map((section) => section(db, id, viewer)),
  ]);
  return {
    ...toOrder(order, lines, addresses),
    reservations: reservations.map((r) => ({
      id: r.id,
      sku: r.sku,
      warehouseCode: r.warehouseCode,
      quantity: r.quantity,
      status: r.status,
    })),
    timeline: timeline
      .filter((t) => seesStaffEntries(viewer) || !t.data.staffOnly)
      .map((t) => ({
        id: t.id,
        at: t.at.toISOString(),
        kind: t.kind,
        fromStatus: t.from_status,
        toStatus: t.to_status,
        actor: t.actor,
        message: t.message,
        data: t.data,
      })),
    ...Object.assign({}, ...sections),
  };
}

export async function findOrders(db: Db, query: ListOrdersQuery & { qNumberOnly?: boolean }) {
  const limit = query.limit ?? 50;
  const cursor = decodeCursor(query.cursor, OrderCursor);
  const { customer, q } = query;
  const rows = await listOrders(db, {
    ...query,
    customer:
      customer === undefined
        ? undefined
        : customer.includes('@')
          ? { email: customer.trim() }
          : { phones: phoneSpellings(customer) },
    q: q === undefined ? undefined : { text: q.trim(), phones: phoneSpellings(q) },
    after: cursor ? { placedAt: cursor[0], id: cursor[1] } : undefined,
    limit: limit + 1,
  });
  return pageOf(rows, limit, toOrderSummary, (last) => [last.placed_at.toISOString(), last.id]);
}
