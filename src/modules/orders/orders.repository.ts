import { type Insertable, type Selectable, sql } from 'kysely';
import type { Conn, Trx } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import type { OrderAddressesTable, OrderLinesTable, OrdersTable, OrderTimelineTable } from './orders.tables.js';

export type OrderRow = Selectable<OrdersTable>;
export type OrderLineRow = Selectable<OrderLinesTable>;
export type OrderAddressRow = Selectable<OrderAddressesTable>;

/** The next human order number, e.g. OS-261122-000042 (date of placing, then a global counter). */
export async function nextOrderNumber(trx: Trx, now: Date): Promise<string> {
  const { rows } = await sql<{ n: number }>`select nextval('order_number_seq')::int8 as n`.execute(trx);
  const day = now.toISOString().slice(2, 10).replaceAll('-', '');
  return `OS-${day}-${String(rows[0]!.n).padStart(6, '0')}`;
}

export async function insertOrder(
  trx: Trx,
  order: Insertable<OrdersTable>,
  addresses: Insertable<OrderAddressesTable>[],
  lines: Insertable<OrderLinesTable>[],
): Promise<OrderRow> {
  const row = await trx.insertInto('orders').values(order).returningAll().executeTakeFirstOrThrow();
  await trx.insertInto('order_addresses').values(addresses).execute();
  await trx.insertInto('order_lines').values(lines).execute();
  return row;
}

export async function findOrderById(db: Conn, id: string): Promise<OrderRow | undefined> {
  return db.selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirst();
}

/** select * from orders where id = $1 for update — every state change starts here. */
export async function lockOrderById(trx: Trx, id: string): Promise<OrderRow | undefined> {
  return trx.selectFrom('orders').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function updateOrder(
  trx: Trx,
  id: string,
  changes: Partial<Omit<Insertable<OrdersTable>, 'id' | 'version'>>,
): Promise<OrderRow> {
  return trx
    .updateTable('orders')
    .set({ ...changes, version: sql`version + 1`, updated_at: sql`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function findOrderLines(db: Conn, orderId: string): Promise<OrderLineRow[]> {
  return db.selectFrom('order_lines').selectAll().where('order_id', '=', orderId).orderBy('line_no').execute();
}

export async function findOrderAddresses(db: Conn, orderId: string): Promise<OrderAddressRow[]> {
  return db.selectFrom('order_addresses').selectAll().where('order_id', '=', orderId).orderBy('key').execute();
}

export async function insertTimeline(
  trx: Trx,
  entry: Omit<Insertable<OrderTimelineTable>, 'id' | 'data'> & { data?: Record<string, unknown> },
): Promise<void> {
  await trx
    .insertInto('order_timeline')
    .values({ ...entry, id: newId(), data: JSON.stringify(entry.data ?? {}) })
    .execute();
}

export async function findTimeline(db: Conn, orderId: string) {
  return db.selectFrom('order_timeline').selectAll().where('order_id', '=', orderId).orderBy('at').orderBy('id').execute();
}

export interface OrderListFilter {
  status?: string;
  channel?: string;
  customer?: string;
  q?: string;
  from?: string;
  to?: string;
  after?: { placedAt: string; id: string };
  limit: number;
}

/** Newest first, keyset-paginated on (placed_at, id). */
export async function listOrders(db: Conn, f: OrderListFilter): Promise<OrderRow[]> {
  let q = db.selectFrom('orders').selectAll();
  if (f.status) q = q.where('status', '=', f.status as OrderRow['status']);
  if (f.channel) q = q.where('channel', '=', f.channel);
  if (f.customer) q = q.where(sql`lower(customer_email)`, '=', f.customer.toLowerCase());
  if (f.from) q = q.where('placed_at', '>=', new Date(f.from));
  if (f.to) q = q.where('placed_at', '<', new Date(f.to));
  if (f.q) {
    const term = f.q.trim();
    q = q.where((eb) =>
      eb.or([
        eb('number', '=', term.toUpperCase()),
        eb(sql`lower(customer_email)`, '=', term.toLowerCase()),
        eb('customer_phone', '=', term),
      ]),
    );
  }
  if (f.after) {
    const { placedAt, id } = f.after;
    q = q.where((eb) =>
      eb.or([eb('placed_at', '<', new Date(placedAt)), eb.and([eb('placed_at', '=', new Date(placedAt)), eb('id', '<', id)])]),
    );
  }
  return q.orderBy('placed_at', 'desc').orderBy('id', 'desc').limit(f.limit).execute();
}

/**
 * Claims unpaid orders past their due time. SKIP LOCKED lets several schedulers (and a buyer's own
 * cancel, which holds the row lock) run at once without waiting on or double-handling a row.
 */
export async function claimOverdueUnpaidOrders(trx: Trx, now: Date, limit: number): Promise<OrderRow[]> {
  return trx
    .selectFrom('orders')
    .selectAll()
    .where('status', '=', 'pending_payment')
    .where('payment_due_at', '<=', now)
    .orderBy('payment_due_at')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}
