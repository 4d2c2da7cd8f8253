import { type Insertable, type Selectable, sql } from 'kysely';
import type { Conn, Trx } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
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
  return db.selectFrom('customers').selectAll().where('id', 'in', ids).execute();
}

/** New customers in one insert, as stored (defaults filled in). */
export async function insertCustomers(trx: Trx, rows: Insertable<CustomersTable>[]): Promise<CustomerRow[]> {
  if (rows.length === 0) return [];
  return trx.insertInto('customers').values(rows).returningAll().execute();
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
    .where((eb) => eb.or(keys.map((k) => eb.and({ kind: k.kind, value: k.value }))))
    .execute();
}

/** Records spellings for customers; one already someone's stays theirs. */
export async function insertIdentities(
  trx: Trx,
  identities: ReadonlyArray<IdentityKey & { customer_id: string }>,
): Promise<void> {
  if (identities.length === 0) return;
  await trx
    .insertInto('customer_identities')
    .values([...identities])
    .onConflict((oc) => oc.columns(['kind', 'value']).doNothing())
    .execute();
}

/**
 * Notes written on orders before they were matched now belong to their customers too, in one update:
 *
 *   update customer_notes n set customer_id = l.customer_id from (values …) as l(order_id, customer_id)
 *   where n.order_id = l.order_id and n.customer_id is null
 */
export async function adoptOrderNotes(
  trx: Trx,
  links: ReadonlyArray<{ orderId: string; customerId: string }>,
): Promise<void> {
  if (links.length === 0) return;
  const rows = links.map((l) => sql`(${l.orderId}::uuid, ${l.customerId}::uuid)`);
  await sql`
    update customer_notes n set customer_id = l.customer_id
    from (values ${sql.join(rows)}) as l(order_id, customer_id)
    where n.order_id = l.order_id and n.customer_id is null`.execute(trx);
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
    .where('customer_orders.order_id', 'in', orderIds)
    .execute();
}

export async function insertOrderLinks(
  trx: Trx,
  links: ReadonlyArray<{ order_id: string; customer_id: string; matched_by: MatchedBy }>,
) {
  if (links.length > 0)
    await trx
      .insertInto('customer_orders')
      .values([...links])
      .execute();
}

export type NewAddress = Omit<Insertable<CustomerAddressesTable>, 'id' | 'customer_id' | 'last_used_at'>;

/**
 * One row per distinct address of a customer, in one statement: seen again, it is only marked as used
 * now. The caller gives each (customer, fingerprint) once (an upsert may not touch a row twice).
 */
export async function upsertAddresses(
  trx: Trx,
  addresses: ReadonlyArray<NewAddress & { customer_id: string }>,
): Promise<void> {
  if (addresses.length === 0) return;
  await trx
    .insertInto('customer_addresses')
    .values(addresses.map((a) => ({ ...a, id: newId() })))
    .onConflict((oc) => oc.columns(['customer_id', 'fingerprint']).doUpdateSet({ last_used_at: sql`now()` }))
    .execute();
}

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
