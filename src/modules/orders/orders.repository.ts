import { type Insertable, type RawBuilder, type Selectable, sql } from 'kysely';
import type { Conn, Trx } from '../../platform/db/database.js';
import { anyUuid, insertRows } from '../../platform/db/row-sets.js';
import { newId } from '../../platform/ids.js';
import { type EventData, type EventWrite, outboxWrites, type PendingEvent } from '../sync/index.js';
import type {
  OrderAddressesTable,
  OrderLinesTable,
  OrdersTable,
  OrderTimelineTable,
} from './orders.tables.js';

export type OrderRow = Selectable<OrdersTable>;
export type OrderLineRow = Selectable<OrderLinesTable>;
export type OrderAddressRow = Selectable<OrderAddressesTable>;

/**
 * Places an order in ONE statement, the hottest write there is, where every round trip counts: the
 * stock levels taken and reservations recorded (inventory's CTEs), the order with its addresses,
 * lines and first timeline entry, and its order.placed event (the outbox's CTEs). The human number
 * comes from a sequence and the day the order was placed, e.g. OS-261122-000042, and is set into the
 * event here. When a stock level no longer had what the plan counted on, ordersync_assert fails the
 * statement as a serialization failure and nothing of it remains.
 *
 *   with <stock_… and reservations_written CTEs>,
 *   o as (insert into orders (…, number) values (…, 'OS-' || to_char(…) || '-' || lpad(nextval(…)))
 *         returning *),
 *   a as (insert into order_addresses select * from json_populate_recordset(null::order_addresses, $a)),
 *   l as (insert into order_lines select * from json_populate_recordset(null::order_lines, $l)),
 *   t as (insert into order_timeline (…) select …, 'Order ' || o.number || $message from o),
 *   <outbox_… CTEs, data = jsonb_set($event, '{order,number}', o.number)>
 *   [, <CTEs of the placing module>]
 *   select o.*, <its checks>, ordersync_assert(<every level taken>, …) from o
 */
/** Writes another module adds to the order's statement (see PlaceOrderContext.alongside). */
export interface StatementWrites {
  ctes: RawBuilder<unknown>;
  /** Evaluated before the stock check; fails the statement to refuse (ordersync_refuse_unless). */
  check: RawBuilder<boolean>;
  /** That module's events on the order, written after order.placed (a checkout's payment.created). */
  events?: EventWrite[];
}

/** The new order's id inside insertPlacedOrder's statement, for writes that go `alongside` it. */
export const placedOrderId = sql`select id from o`;

/** An event's payload with the new order's number set in, as order.placed's is (`order.number`). */
export const withPlacedNumber = <T extends { order: object }>(data: T) =>
  sql`jsonb_set(${JSON.stringify(data)}::jsonb, '{order,number}', to_jsonb((select number from o)))`;

export async function insertPlacedOrder(
  conn: Conn,
  order: Omit<Insertable<OrdersTable>, 'number'> & { id: string; placed_at: Date },
  addresses: Insertable<OrderAddressesTable>[],
  lines: Insertable<OrderLinesTable>[],
  timeline: { actor: string; message: string; data: Record<string, unknown> },
  writes: {
    reservations: { ctes: RawBuilder<unknown>; allTaken: RawBuilder<boolean> };
    alongside?: StatementWrites | undefined;
    placed: EventData<'order.placed'>;
  },
): Promise<OrderRow> {
  const alongside = writes.alongside;
  const { rows } = await sql<OrderRow>`
    with ${writes.reservations.ctes},
    o as (
      insert into orders (id, number, channel, status, payment_status, fulfillment_status, payment_method,
        customer_email, customer_phone, customer_name, currency, subtotal, shipping_total, discount_total,
        tax_total, grand_total, note, placed_at, payment_due_at, access_token_hash, cod_fee, pricing)
      values (${order.id},
        'OS-' || to_char(${order.placed_at}::timestamptz at time zone 'UTC', 'YYMMDD') || '-' ||
          lpad(nextval('order_number_seq')::text, 6, '0'),
        ${order.channel}, ${order.status}, ${order.payment_status}, ${order.fulfillment_status},
        ${order.payment_method}, ${order.customer_email}, ${order.customer_phone ?? null}, ${order.customer_name ?? null},
        ${order.currency}, ${order.subtotal}, ${order.shipping_total}, ${order.discount_total}, ${order.tax_total},
        ${order.grand_total}, ${order.note ?? null}, ${order.placed_at}, ${order.payment_due_at ?? null},
        ${order.access_token_hash ?? null}, ${order.cod_fee ?? 0}, ${order.pricing ?? '{}'}::jsonb)
      returning *
    ),
    a as (
      insert into order_addresses
      select * from json_populate_recordset(null::order_addresses, ${JSON.stringify(addresses)}::json)
    ),
    l as (
      insert into order_lines
      select * from json_populate_recordset(null::order_lines, ${JSON.stringify(lines)}::json)
    ),
    t as (
      insert into order_timeline (id, order_id, kind, to_status, actor, message, data)
      select ${newId()}, o.id, 'order.placed', o.status, ${timeline.actor}, 'Order ' || o.number || ${timeline.message},
             ${JSON.stringify(timeline.data)}::jsonb
      from o
    ),
    ${outboxWrites('orders', order.id, [
      { type: 'order.placed', data: withPlacedNumber(writes.placed) },
      ...(alongside?.events ?? []),
    ])}
    ${alongside ? sql`, ${alongside.ctes}` : sql``}
    select o.*, ${alongside?.check ?? sql`true`} as alongside_ok, ordersync_assert(${writes.reservations.allTaken}, 'stock moved while the order was placed') as stock_ok
    from o
  `.execute(conn);
  const {
    stock_ok: _,
    alongside_ok: __,
    ...row
  } = rows[0]! as OrderRow & {
    stock_ok: boolean;
    alongside_ok: boolean;
  };
  return row;
}

export async function findOrderById(db: Conn, id: string): Promise<OrderRow | undefined> {
  return db.selectFrom('orders').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Several orders at once (a customer's, a consumer's batch), newest first. */
export async function findOrdersByIds(db: Conn, ids: readonly string[]): Promise<OrderRow[]> {
  if (ids.length === 0) return [];
  const rows = await db.selectFrom('orders').selectAll().where('id', '=', anyUuid(ids)).execute();
  return rows.sort(
    (a, b) => b.placed_at.getTime() - a.placed_at.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0),
  );
}

/** What deciding who may reach an order needs: its channel and its buyer's token hash. */
export async function findOrderAccess(db: Conn, id: string) {
  return db
    .selectFrom('orders')
    .select(['channel', 'access_token_hash'])
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function setOrderAccessTokenHash(db: Conn, id: string, hash: string): Promise<void> {
  await db.updateTable('orders').set({ access_token_hash: hash }).where('id', '=', id).execute();
}

/** select * from orders where id = $1 for update — every state change starts here. */
export async function lockOrderById(trx: Trx, id: string): Promise<OrderRow | undefined> {
  return trx.selectFrom('orders').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

/**
 * lockOrderById with a value another module reads in the same statement (`alongside`), the order
 * given by its id or by that module's subquery for it (a payment's order_id). Only the order is
 * locked. `alongside` is read in the statement's snapshot, which may be older than the lock (taken
 * after a wait): it is for values that do not change, or that the caller's write checks again.
 *
 *   select o.*, <alongside> as alongside from orders o where o.id = <id> for update of o
 */
export async function lockOrderWith<T>(
  trx: Trx,
  id: string | RawBuilder<string>,
  alongside: RawBuilder<T>,
): Promise<{ order: OrderRow; alongside: T } | undefined> {
  const { rows } = await sql<OrderRow & { alongside: T }>`
    select o.*, ${alongside} as alongside from orders o where o.id = ${id} for update of o
  `.execute(trx);
  if (!rows[0]) return undefined;
  const { alongside: value, ...order } = rows[0];
  return { order, alongside: value };
}

/**
 * lockOrderWith without the lock, for a write that checks afterwards that the order is still as read
 * (updateOrderRecorded's `unchanged`): also the row's version as PostgreSQL keeps it (xmin), which
 * every write to the row moves, the few that leave `version` alone too (an erasure, a token).
 *
 *   select o.*, o.xmin::text as row_version, <alongside> as alongside from orders o where o.id = <id>
 */
export async function findOrderWith<T>(
  conn: Conn,
  id: string | RawBuilder<string>,
  alongside: RawBuilder<T>,
): Promise<{ order: OrderRow; rowVersion: string; alongside: T } | undefined> {
  const { rows } = await sql<OrderRow & { row_version: string; alongside: T }>`
    select o.*, o.xmin::text as row_version, ${alongside} as alongside from orders o where o.id = ${id}
  `.execute(conn);
  if (!rows[0]) return undefined;
  const { alongside: value, row_version: rowVersion, ...order } = rows[0];
  return { order, rowVersion, alongside: value };
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

/** Another module's writes in an order's change statement, with their events (after the order's). */
export interface ChangeWrites {
  ctes: RawBuilder<unknown>;
  events: Array<PendingEvent & { source: string }>;
  /**
   * For a change made without the order's lock (`unchanged`): evaluated once the order's update is
   * known to have happened, it fails the statement (ordersync_assert, ordersync_refuse_unless) when
   * these writes did not go as read, so that nothing of the statement remains.
   */
  check?: RawBuilder<boolean>;
}

/** The order's message when a change made without its lock finds it changed since it was read. */
export const ORDER_MOVED = 'the order changed since it was read';

/**
 * An order's change with its timeline entry and events, in ONE statement (a payment's hot path), and
 * the writes of another module that go with it (`alongside`: the payment that paid it). The caller
 * holds the order's lock (lockOrder), so it knows the row the update makes and passes the events'
 * payloads as they will read.
 *
 * Or, without a transaction or a lock (`unchanged`: the order as read by findOrderWith), the same
 * statement on its own (autocommit) as a compare-and-set: the update waits for whoever holds the row,
 * then takes it only if its row version is still the one read; if not, or if alongside's check fails,
 * the statement fails whole (40001, ORDER_MOVED, or alongside's refusal) and nothing of it remains.
 *
 *   with u as (update orders set …, version = version + 1, updated_at = now() where id = $id
 *              [and version = $version and xmin = $rowVersion] returning *),
 *   t as (insert into order_timeline (…) select …, u.id, … from u),
 *   [<alongside CTEs>,] <outbox CTEs: the order's events, then alongside's>
 *   select * from u
 *   | select u.*, case when u.id is null then ordersync_assert(false, …) else <alongside check> end
 *     from (select 1) one left join u on true
 */
export async function updateOrderRecorded(
  conn: Conn,
  id: string,
  changes: Partial<Omit<Insertable<OrdersTable>, 'id' | 'version'>>,
  entry: Omit<Insertable<OrderTimelineTable>, 'id' | 'data' | 'order_id'> & {
    data?: Record<string, unknown>;
  },
  events: PendingEvent[],
  alongside?: ChangeWrites,
  unchanged?: { version: number; rowVersion: string },
): Promise<OrderRow> {
  const set = Object.entries(changes)
    .filter(([, v]) => v !== undefined)
    .map(([column, value]) => sql`${sql.ref(column)} = ${value}`);
  const written = [...events, ...(alongside?.events ?? [])];
  // the order's update comes first (its lock, as everywhere), then alongside's check, which pulls
  // alongside's writes; the outbox's run last, and only when nothing failed
  const result = unchanged
    ? sql`select u.*, case when u.id is null then ordersync_assert(false, ${ORDER_MOVED})
        else ${alongside?.check ?? sql`true`} end as unchanged_ok
      from (select 1) as one left join u on true`
    : sql`select * from u`;
  const { rows } = await sql<OrderRow & { unchanged_ok?: boolean }>`
    with u as (
      update orders set ${sql.join([...set, sql`version = version + 1`, sql`updated_at = now()`])}
      where id = ${id}
      ${unchanged ? sql`and version = ${unchanged.version} and xmin = ${unchanged.rowVersion}::xid` : sql``}
      returning *
    ),
    t as (
      insert into order_timeline (id, order_id, kind, from_status, to_status, actor, message, data)
      select ${newId()}, u.id, ${entry.kind}, ${entry.from_status ?? null}, ${entry.to_status ?? null},
             ${entry.actor}, ${entry.message}, ${JSON.stringify(entry.data ?? {})}::jsonb
      from u
    )
    ${alongside ? sql`, ${alongside.ctes}` : sql``}
    ${written.length > 0 ? sql`, ${outboxWrites('orders', id, written)}` : sql``}
    ${result}
  `.execute(conn);
  if (!rows[0]) throw new Error(`order ${id} vanished under its lock`);
  const { unchanged_ok: _, ...row } = rows[0];
  return row;
}

/**
 * An edit's writes to the order's lines and addresses: changed lines updated in place, new ones
 * inserted, removed ones deleted (their released reservations keep the line id as history).
 */
export async function writeOrderEdit(
  trx: Trx,
  orderId: string,
  change: {
    update: Array<
      Pick<OrderLineRow, 'id' | 'quantity' | 'line_total' | 'discount' | 'tax' | 'tax_inclusive'>
    >;
    insert: Insertable<OrderLinesTable>[];
    remove: string[];
    addresses: Insertable<OrderAddressesTable>[];
  },
): Promise<void> {
  for (const l of change.update) {
    const { id, ...values } = l;
    await trx
      .updateTable('order_lines')
      .set(values)
      .where('id', '=', id)
      .where('order_id', '=', orderId)
      .execute();
  }
  if (change.remove.length)
    await trx
      .deleteFrom('order_lines')
      .where('order_id', '=', orderId)
      .where('id', 'in', change.remove)
      .execute();
  if (change.insert.length) await trx.insertInto('order_lines').values(change.insert).execute();
  for (const a of change.addresses) {
    const { order_id: _, key, ...values } = a;
    await trx
      .updateTable('order_addresses')
      .set(values)
      .where('order_id', '=', orderId)
      .where('key', '=', key)
      .execute();
  }
}

export async function findOrderLines(db: Conn, orderId: string): Promise<OrderLineRow[]> {
  return db
    .selectFrom('order_lines')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('line_no')
    .execute();
}

export async function findOrderAddresses(db: Conn, orderId: string): Promise<OrderAddressRow[]> {
  return db
    .selectFrom('order_addresses')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('key')
    .execute();
}

/** The lines of several orders (a consumer's batch), each order's in line order. */
export const findLinesOfOrders = (db: Conn, orderIds: readonly string[]): Promise<OrderLineRow[]> =>
  rowsOfOrders(db, 'order_lines', 'line_no', orderIds);

/** The addresses of several orders (a consumer's batch), each order's by key. */
export const findAddressesOfOrders = (db: Conn, orderIds: readonly string[]): Promise<OrderAddressRow[]> =>
  rowsOfOrders(db, 'order_addresses', 'key', orderIds);

async function rowsOfOrders<T extends 'order_lines' | 'order_addresses'>(
  db: Conn,
  table: T,
  within: 'line_no' | 'key',
  orderIds: readonly string[],
) {
  if (orderIds.length === 0) return [];
  return db
    .selectFrom(table as 'order_lines')
    .selectAll()
    .where('order_id', '=', anyUuid(orderIds))
    .orderBy('order_id')
    .orderBy(within as 'line_no')
    .execute() as Promise<never[]>;
}

/** Stamped now (the column's default): every entry of an insert then names the same columns. */
type TimelineInsert = Omit<Insertable<OrderTimelineTable>, 'id' | 'at' | 'data'> & {
  data?: Record<string, unknown>;
};

export async function insertTimeline(trx: Trx, entry: TimelineInsert): Promise<void> {
  await insertTimelines(trx, [entry]);
}

/** Timeline entries (of one order or several) in one insert, in the order given. */
export async function insertTimelines(trx: Trx, entries: readonly TimelineInsert[]): Promise<void> {
  if (entries.length === 0) return;
  await insertRows(
    trx,
    'order_timeline',
    entries.map((entry) => ({ ...entry, id: newId(), data: JSON.stringify(entry.data ?? {}) })),
    ['data'],
  ).execute();
}

export async function findTimeline(db: Conn, orderId: string) {
  return db
    .selectFrom('order_timeline')
    .selectAll()
    .where('order_id', '=', orderId)
    .orderBy('at')
    .orderBy('id')
    .execute();
}

export interface OrderListFilter {
  status?: string;
  channel?: string;
  /** A customer's email, or the spellings of their phone (phoneSpellings). */
  customer?: { email: string } | { phones: string[] };
  q?: { text: string; phones: string[] };
  /** `q` matches the order number only (for roles that may not search by customer contact). */
  qNumberOnly?: boolean;
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
  const customer = f.customer;
  if (customer) {
    q =
      'email' in customer
        ? q.where(sql`lower(customer_email)`, '=', customer.email.toLowerCase())
        : q.where('customer_phone', 'in', customer.phones);
  }
  if (f.from) q = q.where('placed_at', '>=', new Date(f.from));
  if (f.to) q = q.where('placed_at', '<', new Date(f.to));
  if (f.q) {
    const { text, phones } = f.q;
    if (f.qNumberOnly) q = q.where('number', '=', text.toUpperCase());
    else
      q = q.where((eb) =>
        eb.or([
          eb('number', '=', text.toUpperCase()),
          eb(sql`lower(customer_email)`, '=', text.toLowerCase()),
          eb('customer_phone', 'in', phones),
        ]),
      );
  }
  if (f.after) {
    const { placedAt, id } = f.after;
    q = q.where((eb) =>
      eb.or([
        eb('placed_at', '<', new Date(placedAt)),
        eb.and([eb('placed_at', '=', new Date(placedAt)), eb('id', '<', id)]),
      ]),
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

/**
 * Unpaid orders due for payment within (now, dueBefore], oldest due first: who a payment reminder goes
 * to (notifications). A read, no lock: the reminder is made once by its own dedupe key.
 */
export async function findOrdersAwaitingPayment(db: Conn, now: Date, dueBefore: Date, limit: number) {
  return db
    .selectFrom('orders')
    .select(['id', 'payment_due_at'])
    .where('status', '=', 'pending_payment')
    .where('payment_due_at', '>', now)
    .where('payment_due_at', '<=', dueBefore)
    .orderBy('payment_due_at')
    .limit(limit)
    .execute();
}

/** Delivered orders whose completion is due, claimed like the unpaid ones (SKIP LOCKED). */
export async function claimDeliveredOrdersBefore(trx: Trx, deliveredBefore: Date, limit: number) {
  return trx
    .selectFrom('orders')
    .selectAll()
    .where('status', '=', 'delivered')
    .where('delivered_at', '<=', deliveredBefore)
    .orderBy('delivered_at')
    .limit(limit)
    .forUpdate()
    .skipLocked()
    .execute();
}

export async function insertLineCancellations(
  trx: Trx,
  rows: { order_id: string; line_id: string; quantity: number; reason: string }[],
): Promise<void> {
  if (rows.length === 0) return;
  await trx
    .insertInto('order_line_cancellations')
    .values(rows.map((r) => ({ ...r, id: newId() })))
    .execute();
}

/** Cancelled units per line of an order. */
export async function sumLineCancellations(db: Conn, orderId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('order_line_cancellations')
    .select(['line_id', sql<number>`sum(quantity)::int`.as('quantity')])
    .where('order_id', '=', orderId)
    .groupBy('line_id')
    .execute();
  return new Map(rows.map((r) => [r.line_id, r.quantity]));
}

/** Whether this e-mail placed an order before (first-order promotions). */
export async function hasOrders(db: Conn, email: string): Promise<boolean> {
  const row = await db
    .selectFrom('orders')
    .select('id')
    .where(sql`lower(customer_email)`, '=', email.trim().toLowerCase())
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
