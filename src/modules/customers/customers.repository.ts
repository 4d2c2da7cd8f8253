import { type Insertable, type RawBuilder, type Selectable, sql } from 'kysely';
import type { Conn, Trx } from '../../platform/db/database.js';
import { anyUuid, insertRows, jsonRecords } from '../../platform/db/row-sets.js';
import { newId } from '../../platform/ids.js';
import { outboxWritesEach, type PendingEvent } from '../sync/index.js';
import type {
  CustomerAddressesTable,
  CustomerNotesTable,
  CustomersTable,
  CustomerTimelineTable,
  IdentityKind,
  MatchedBy,
} from './customers.tables.js';

export type CustomerRow = Selectable<CustomersTable>;
export type CustomerAddressRow = Selectable<CustomerAddressesTable>;
export interface IdentityKey {
  kind: IdentityKind;
  value: string;
}

export async function findCustomerById(db: Conn, id: string): Promise<CustomerRow | undefined> {
  return db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findCustomersById(db: Conn, ids: readonly string[]): Promise<CustomerRow[]> {
  if (ids.length === 0) return [];
  return db.selectFrom('customers').selectAll().where('id', '=', anyUuid(ids)).execute();
}

/** New customers in one insert, as stored (defaults filled in). */
export async function insertCustomers(trx: Trx, rows: Insertable<CustomersTable>[]): Promise<CustomerRow[]> {
  if (rows.length === 0) return [];
  return insertRows(trx, 'customers', rows).returningAll().execute();
}

/** select * from customers where id = $1 for update — every change of a customer starts here. */
export async function lockCustomerById(trx: Trx, id: string): Promise<CustomerRow | undefined> {
  return trx.selectFrom('customers').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
}

export async function insertCustomer(trx: Trx, row: Insertable<CustomersTable>): Promise<CustomerRow> {
  return trx.insertInto('customers').values(row).returningAll().executeTakeFirstOrThrow();
}

export async function updateCustomer(
  trx: Trx,
  id: string,
  changes: Partial<Omit<Insertable<CustomersTable>, 'id' | 'version'>>,
): Promise<CustomerRow> {
  return trx
    .updateTable('customers')
    .set({ ...changes, version: sql`version + 1`, updated_at: sql`now()` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Holds these identities until commit (transaction-scoped advisory locks, in a fixed order so two
 * holders never wait on each other): two orders of one new buyer, matched at the same time by two
 * relays, then create one customer, not two.
 */
export async function lockIdentities(trx: Trx, keys: IdentityKey[]): Promise<void> {
  // One statement for all of them, taken in name order so two matchers never wait on each other.
  const names = keys.map((k) => `customer:${k.kind}:${k.value}`).sort();
  await sql`select count(pg_advisory_xact_lock(hashtext(n))) from (select n from unnest(${names}::text[]) as n order by n) as locks`.execute(
    trx,
  );
}

export async function findIdentities(db: Conn, keys: IdentityKey[]) {
  if (keys.length === 0) return [];
  return db
    .selectFrom('customer_identities')
    .selectAll()
    .where(
      sql<boolean>`(kind, value) in (select * from unnest(${keys.map((k) => k.kind)}::text[], ${keys.map((k) => k.value)}::text[]))`,
    )
    .execute();
}

export async function findOrderLink(db: Conn, orderId: string) {
  return db.selectFrom('customer_orders').selectAll().where('order_id', '=', orderId).executeTakeFirst();
}

/** The customers these orders are linked to, and how each was matched: one read. */
export async function findLinkedCustomers(db: Conn, orderIds: readonly string[]) {
  if (orderIds.length === 0) return [];
  return db
    .selectFrom('customer_orders')
    .innerJoin('customers', 'customers.id', 'customer_orders.customer_id')
    .selectAll('customers')
    .select(['customer_orders.matched_by', 'customer_orders.order_id'])
    .where('customer_orders.order_id', '=', anyUuid(orderIds))
    .execute();
}

export type NewAddress = Omit<Insertable<CustomerAddressesTable>, 'id' | 'customer_id' | 'last_used_at'>;

export async function findAddresses(db: Conn, customerId: string): Promise<CustomerAddressRow[]> {
  return db
    .selectFrom('customer_addresses')
    .selectAll()
    .where('customer_id', '=', customerId)
    .orderBy('last_used_at', 'desc')
    .orderBy('id')
    .execute();
}

export type TimelineEntry = Omit<Insertable<CustomerTimelineTable>, 'id' | 'data'> & {
  data?: Record<string, unknown>;
};

/** Timeline entries, in the order given (ids are time-ordered), in one insert. */
export async function insertCustomerTimeline(
  trx: Trx,
  entries: TimelineEntry | TimelineEntry[],
): Promise<void> {
  const rows = (Array.isArray(entries) ? entries : [entries]).map((entry) => ({
    ...entry,
    id: newId(),
    data: JSON.stringify(entry.data ?? {}),
  }));
  if (rows.length > 0) await trx.insertInto('customer_timeline').values(rows).execute();
}

/** What matching a batch of orders writes once its new customers exist (customer-matching.ts). */
export interface MatchedOrders {
  identities: ReadonlyArray<IdentityKey & { customer_id: string }>;
  links: ReadonlyArray<{ order_id: string; customer_id: string; matched_by: MatchedBy }>;
  /** One per (customer, fingerprint): an upsert may not touch a row twice. */
  addresses: ReadonlyArray<NewAddress & { customer_id: string }>;
  timeline: readonly TimelineEntry[];
  /** Events, each of its own subject (outboxWritesEach). */
  events: ReadonlyArray<PendingEvent & { subject: string }>;
}

/**
 * A matched batch's writes in one statement, a part per kind that has rows: the spellings (one already
 * someone's stays theirs), the order links, the notes written on those orders before they were matched
 * (now their customers' too), one address row per distinct address of a customer (seen again, it is
 * only marked as used now), the timeline and the events. Each part writes its own table, so none needs
 * to see another's rows; the customers they refer to were inserted by an earlier statement.
 *
 *   with identities as (insert into customer_identities (kind, value, customer_id)
 *          select … from json_populate_recordset(null::customer_identities, $identities)
 *          on conflict (kind, value) do nothing),
 *        links as (insert into customer_orders (…) select … from json_populate_recordset(…, $links)),
 *        notes as (update customer_notes n set customer_id = l.customer_id from json_populate_recordset(…, $links) l
 *          where n.order_id = l.order_id and n.customer_id is null),
 *        addresses as (insert into customer_addresses (…) select … on conflict (customer_id, fingerprint)
 *          do update set last_used_at = now()),
 *        timeline as (insert into customer_timeline (…) select …),
 *        outbox_counter as (…), outbox_written as (…), outbox_queued as (…)
 *   select 1
 */
export async function insertMatchedOrders(trx: Trx, m: MatchedOrders): Promise<void> {
  const parts: RawBuilder<unknown>[] = [];
  if (m.identities.length > 0)
    parts.push(sql`identities as (
      insert into customer_identities (kind, value, customer_id)
      select kind, value, customer_id from ${jsonRecords('customer_identities', m.identities)}
      on conflict (kind, value) do nothing)`);
  if (m.links.length > 0)
    parts.push(
      sql`links as (
      insert into customer_orders (order_id, customer_id, matched_by)
      select order_id, customer_id, matched_by from ${jsonRecords('customer_orders', m.links)})`,
      sql`notes as (
      update customer_notes n set customer_id = l.customer_id from ${jsonRecords('customer_orders', m.links)} l
      where n.order_id = l.order_id and n.customer_id is null)`,
    );
  if (m.addresses.length > 0)
    parts.push(sql`addresses as (
      insert into customer_addresses (${sql.raw(ADDRESS_COLUMNS)})
      select ${sql.raw(ADDRESS_COLUMNS)}
      from ${jsonRecords(
        'customer_addresses',
        m.addresses.map((a) => ({ ...a, id: newId() })),
      )}
      on conflict (customer_id, fingerprint) do update set last_used_at = now())`);
  if (m.timeline.length > 0)
    parts.push(sql`timeline as (
      insert into customer_timeline (id, customer_id, kind, actor, message, data)
      select id, customer_id, kind, actor, message, coalesce(data, '{}')
      from ${jsonRecords(
        'customer_timeline',
        m.timeline.map((t) => ({ ...t, id: newId() })),
      )})`);
  if (m.events.length > 0) parts.push(outboxWritesEach('customers', m.events));
  if (parts.length > 0) await sql`with ${sql.join(parts)} select 1`.execute(trx);
}

const ADDRESS_COLUMNS =
  'id, customer_id, fingerprint, name, phone, country, province, city, district, line1, line2, postal_code';

export interface CustomerListFilter {
  /** Free text: a name contains it, or it is an e-mail or a phone (E.164) one of them goes by. */
  q?: { text: string; email: string; phone?: string };
  tag?: string;
  beforeId?: string;
  limit: number;
}

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Newest first (ids are UUIDv7), merged customers left out, keyset-paginated on id:
 *
 *   select * from customers where merged_into is null
 *     and (lower(name) like lower($text) or id in (select customer_id from customer_identities
 *          where (kind, value) in (('email', $email), ('phone', $phone))))
 *     and tags @> $tag and id < $before order by id desc limit $n
 */
export async function listCustomers(db: Conn, f: CustomerListFilter): Promise<CustomerRow[]> {
  let q = db.selectFrom('customers').selectAll().where('merged_into', 'is', null);
  if (f.q) {
    const keys: IdentityKey[] = [
      { kind: 'email', value: f.q.email },
      ...(f.q.phone ? [{ kind: 'phone' as const, value: f.q.phone }] : []),
    ];
    q = q.where((eb) =>
      eb.or([
        eb(sql`lower(name)`, 'like', likePattern(f.q!.text.toLowerCase())),
        eb(
          'id',
          'in',
          eb
            .selectFrom('customer_identities')
            .select('customer_id')
            .where((i) => i.or(keys.map((k) => i.and({ kind: k.kind, value: k.value })))),
        ),
      ]),
    );
  }
  if (f.tag) q = q.where(sql<boolean>`tags @> ${JSON.stringify([f.tag])}::jsonb`);
  if (f.beforeId) q = q.where('id', '<', f.beforeId);
  return q.orderBy('id', 'desc').limit(f.limit).execute();
}

/** The ids of a customer's orders, newest link first. */
export async function findCustomerOrderIds(db: Conn, customerId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('customer_orders')
    .select('order_id')
    .where('customer_id', '=', customerId)
    .orderBy('linked_at', 'desc')
    .orderBy('order_id', 'desc')
    .execute();
  return rows.map((r) => r.order_id);
}

export async function findCustomerTimeline(db: Conn, customerId: string) {
  return db
    .selectFrom('customer_timeline')
    .selectAll()
    .where('customer_id', '=', customerId)
    .orderBy('at')
    .orderBy('id')
    .execute();
}

export type NoteRow = Selectable<CustomerNotesTable>;

export async function insertNote(
  trx: Trx,
  note: Omit<Insertable<CustomerNotesTable>, 'id'>,
): Promise<NoteRow> {
  return trx
    .insertInto('customer_notes')
    .values({ ...note, id: newId() })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** A customer's notes (on them or on their orders), oldest first. */
export async function findNotes(db: Conn, where: { customerId: string } | { orderId: string }) {
  return db
    .selectFrom('customer_notes')
    .selectAll()
    .where(
      'customerId' in where ? 'customer_id' : 'order_id',
      '=',
      'customerId' in where ? where.customerId : where.orderId,
    )
    .orderBy('created_at')
    .orderBy('id')
    .execute();
}

/**
 * Moves everything that belongs to `from` to `into` (a merge): order links, identities, notes,
 * timeline, and the addresses `into` does not have already. Answers the ids of the orders moved.
 */
export async function moveCustomerBelongings(trx: Trx, from: string, into: string): Promise<string[]> {
  const moved = await trx
    .updateTable('customer_orders')
    .set({ customer_id: into })
    .where('customer_id', '=', from)
    .returning('order_id')
    .execute();
  for (const table of ['customer_identities', 'customer_notes', 'customer_timeline'] as const) {
    await trx.updateTable(table).set({ customer_id: into }).where('customer_id', '=', from).execute();
  }
  await trx
    .deleteFrom('customer_addresses')
    .where('customer_id', '=', from)
    .where('fingerprint', 'in', (eb) =>
      eb.selectFrom('customer_addresses').select('fingerprint').where('customer_id', '=', into),
    )
    .execute();
  await trx
    .updateTable('customer_addresses')
    .set({ customer_id: into })
    .where('customer_id', '=', from)
    .execute();
  return moved.map((r) => r.order_id);
}
