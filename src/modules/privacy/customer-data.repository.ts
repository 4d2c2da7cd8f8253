import { type RawBuilder, sql } from 'kysely';
import type { Conn, Trx } from '../../platform/db/database.js';
import { ERASED, type PersonalValues, type Scrubber } from './personal-values.js';

/**
 * Where one customer's personal data lives, in every module's tables. The one place that reads and
 * writes across modules: a data subject request must reach every copy, and listing them here (with
 * the acceptance test scanning every table of the database) is what keeps a new copy from being missed.
 * docs/privacy.md explains each table.
 */

/** The customer and the customers merged into it (their orders and identities followed it). */
export async function customerFamily(db: Conn, customerId: string): Promise<string[]> {
  const rows = await sql<{ id: string }>`
    with recursive family(id) as (
      select id from customers where id = ${customerId}
      union
      select c.id from customers c join family f on c.merged_into = f.id)
    select id::text as id from family`.execute(db);
  return rows.rows.map((r) => r.id);
}

export async function findCustomerRow(db: Conn, id: string) {
  return db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
}

/** A list of ids as one bound parameter (no `in ()` for an empty list, no parameter per id). */
export const uuids = (ids: readonly string[]) =>
  sql`(select (jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb))::uuid)`;
const texts = (values: readonly string[]) =>
  sql`(select jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))`;

/**
 * The customer's orders: those linked to them (or to a customer merged into them), and those placed
 * with one of their e-mails or phones that the matching consumer has not linked yet.
 */
export async function customerOrderIds(db: Conn, customerIds: string[]): Promise<string[]> {
  const rows = await sql<{ id: string }>`
    with identity as (select kind, value from customer_identities where customer_id in ${uuids(customerIds)})
    select o.id::text as id from orders o
    where o.id in (select order_id from customer_orders where customer_id in ${uuids(customerIds)})
       or lower(o.customer_email) in (select value from identity where kind = 'email')
       or o.customer_phone in (select value from identity where kind = 'phone')
    order by o.placed_at, o.id`.execute(db);
  return rows.rows.map((r) => r.id);
}

/** Open orders (not yet delivered, completed, cancelled or closed) block an erasure. */
export async function openOrders(db: Conn, orderIds: string[]) {
  if (orderIds.length === 0) return [];
  return db
    .selectFrom('orders')
    .select(['id', 'number', 'status'])
    .where('id', 'in', orderIds)
    .where('status', 'not in', ['delivered', 'completed', 'cancelled', 'closed'])
    .orderBy('placed_at')
    .execute();
}

/** Every spelling of the customer's personal data, as given: what the copies are searched for. */
export async function personalValues(
  db: Conn,
  customerIds: string[],
  orderIds: string[],
): Promise<PersonalValues> {
  const rows = await sql<{ value: string | null; phone: boolean }>`
    select name as value, false as phone from customers where id in ${uuids(customerIds)}
    union all select email, false from customers where id in ${uuids(customerIds)}
    union all select phone, true from customers where id in ${uuids(customerIds)}
    union all select value, kind = 'phone' from customer_identities where customer_id in ${uuids(customerIds)}
    union all select name, false from customer_addresses where customer_id in ${uuids(customerIds)}
    union all select phone, true from customer_addresses where customer_id in ${uuids(customerIds)}
    union all select line1, false from customer_addresses where customer_id in ${uuids(customerIds)}
    union all select line2, false from customer_addresses where customer_id in ${uuids(customerIds)}
    union all select customer_email, false from orders where id in ${uuids(orderIds)}
    union all select customer_name, false from orders where id in ${uuids(orderIds)}
    union all select customer_phone, true from orders where id in ${uuids(orderIds)}
    union all select name, false from order_addresses where order_id in ${uuids(orderIds)}
    union all select phone, true from order_addresses where order_id in ${uuids(orderIds)}
    union all select line1, false from order_addresses where order_id in ${uuids(orderIds)}
    union all select line2, false from order_addresses where order_id in ${uuids(orderIds)}`.execute(db);
  const given = rows.rows.filter((r): r is { value: string; phone: boolean } => Boolean(r.value?.trim()));
  const phones = given.filter((r) => r.phone).map((r) => r.value);
  return {
    texts: [...given.map((r) => r.value), ...phones.map((p) => p.replace(/\D/g, ''))],
    phones,
  };
}

interface Targets {
  customerIds: string[];
  orderIds: string[];
  /** The customer's values, for copies that name no order or customer id (raw inbound bodies). */
  patterns: string[];
}

/**
 * `json`: personal fields by name and values anywhere; `jsonValues`: values only (a document whose
 * `name` fields are the business's, as an order's promotions); `jsonText`: a text that may be JSON.
 */
type ScrubAs = 'text' | 'json' | 'jsonValues' | 'jsonText';

/** A copy of personal data: the rows of a table that hold the customer's, and how each column is scrubbed. */
interface Copy {
  table: string;
  where: (t: Targets) => RawBuilder<unknown>;
  columns: Record<string, ScrubAs>;
}

const mentions = (column: string, t: Targets) =>
  sql`exists (select 1 from jsonb_array_elements_text(${JSON.stringify(t.patterns)}::jsonb) p
    where ${sql.ref(column)}::text ilike '%' || p || '%')`;
const subjects = (t: Targets) => texts([...t.orderIds, ...t.customerIds]);

/**
 * The copies scrubbed value by value (free text and JSON, where a field may or may not be personal).
 * Columns that are personal as a whole (orders' contact, addresses, notification recipients) are
 * overwritten in eraseCustomerData instead.
 */
const COPIES: Copy[] = [
  {
    table: 'orders',
    where: (t) => sql`id in ${uuids(t.orderIds)}`,
    columns: { cancel_reason: 'text', review_reason: 'text', pricing: 'jsonValues' },
  },
  {
    table: 'order_timeline',
    where: (t) => sql`order_id in ${uuids(t.orderIds)}`,
    columns: { message: 'text', data: 'json' },
  },
  {
    table: 'order_line_cancellations',
    where: (t) => sql`order_id in ${uuids(t.orderIds)}`,
    columns: { reason: 'text' },
  },
  {
    table: 'customer_timeline',
    where: (t) => sql`customer_id in ${uuids(t.customerIds)}`,
    columns: { message: 'text', data: 'json' },
  },
  // The outbox is the event feed and what webhook deliveries send: order and customer events by subject.
  { table: 'outbox', where: (t) => sql`subject in ${subjects(t)}`, columns: { data: 'json' } },
  {
    table: 'deliveries',
    where: (t) => sql`subject in ${subjects(t)} and last_error is not null`,
    columns: { last_error: 'text' },
  },
  { table: 'inbox', where: (t) => mentions('payload', t), columns: { payload: 'json', error: 'text' } },
  {
    table: 'notifications',
    where: (t) =>
      sql`(order_id in ${uuids(t.orderIds)} or customer_id in ${uuids(t.customerIds)}) and last_error is not null`,
    columns: { last_error: 'text' },
  },
  {
    table: 'idempotency_keys',
    where: (t) => sql`(resource in ${texts(t.orderIds)} or ${mentions('response_body', t)})`,
    columns: { response_body: 'jsonText' },
  },
  {
    table: 'channel_orders',
    where: (t) => sql`order_id in ${uuids(t.orderIds)} or ${mentions('snapshot', t)}`,
    columns: { snapshot: 'json', refunds: 'json', hold_reason: 'text' },
  },
  {
    table: 'channel_deliveries',
    where: (t) => mentions('body', t),
    columns: { body: 'jsonText', last_error: 'text' },
  },
  { table: 'channel_imports', where: (t) => mentions('rejected', t), columns: { rejected: 'json' } },
  { table: 'channel_import_errors', where: (t) => mentions('reason', t), columns: { reason: 'text' } },
  { table: 'channel_incidents', where: (t) => mentions('message', t), columns: { message: 'text' } },
  {
    table: 'payments',
    where: (t) => sql`order_id in ${uuids(t.orderIds)}`,
    columns: { action: 'json', failure_reason: 'text', close_note: 'text' },
  },
  {
    table: 'payment_refunds',
    where: (t) => sql`order_id in ${uuids(t.orderIds)}`,
    columns: { reason: 'text', failure_reason: 'text' },
  },
  {
    table: 'payment_callbacks',
    where: (t) => sql`order_id in ${uuids(t.orderIds)} or ${mentions('payload', t)}`,
    columns: { payload: 'json', response_body: 'jsonText' },
  },
  {
    table: 'returns',
    where: (t) => sql`order_id in ${uuids(t.orderIds)}`,
    columns: { reason: 'text', note: 'text', decision_note: 'text', photos: 'json' },
  },
  {
    table: 'tracking_events',
    where: (t) => sql`shipment_id in (select id from shipments where order_id in ${uuids(t.orderIds)})`,
    columns: { description: 'text', location: 'text' },
  },
  {
    table: 'intake_tickets',
    where: (t) => mentions('request', t),
    columns: { request: 'json', problem: 'json' },
  },
];

const isJsonColumn = (kind: ScrubAs) => kind === 'json' || kind === 'jsonValues';

function scrubbedValue(scrubber: Scrubber, kind: ScrubAs, value: unknown): { before: string; after: string } {
  if (!isJsonColumn(kind)) {
    const text = String(value);
    return { before: text, after: kind === 'jsonText' ? scrubber.jsonText(text) : scrubber.text(text) };
  }
  const parsed: unknown = typeof value === 'string' ? JSON.parse(value) : value;
  const after = kind === 'json' ? scrubber.json(parsed) : scrubber.jsonValues(parsed);
  return { before: JSON.stringify(parsed), after: JSON.stringify(after) };
}

/** Scrubs one table's rows of the customer, row by row, writing back only what changed. */
async function scrubCopy(trx: Trx, copy: Copy, targets: Targets, scrubber: Scrubber): Promise<number> {
  const columns = Object.entries(copy.columns);
  const rows = await sql<Record<string, unknown>>`
    select ctid::text as row_ref, ${sql.join(columns.map(([c]) => sql.ref(c)))}
    from ${sql.table(copy.table)} where ${copy.where(targets)} for update`.execute(trx);
  let changed = 0;
  for (const row of rows.rows) {
    const sets = columns.flatMap(([column, kind]) => {
      const value = row[column];
      if (value === null || value === undefined) return [];
      const { before, after } = scrubbedValue(scrubber, kind, value);
      if (before === after) return [];
      return [
        isJsonColumn(kind) ? sql`${sql.ref(column)} = ${after}::jsonb` : sql`${sql.ref(column)} = ${after}`,
      ];
    });
    if (sets.length === 0) continue;
    await sql`update ${sql.table(copy.table)} set ${sql.join(sets)} where ctid = ${row.row_ref}::tid`.execute(
      trx,
    );
    changed++;
  }
  return changed;
}

// `in ()` is not SQL: an empty list becomes one id that matches nothing.
const anyOf = (ids: string[]) => (ids.length > 0 ? ids : ['00000000-0000-0000-0000-000000000000']);

/** Placeholder e-mail of an erased order: orders.customer_email is required, and must not be theirs. */
export const ERASED_EMAIL = 'erased@erased.invalid';

/**
 * Removes the customer's personal data everywhere it was copied, in the caller's transaction, and
 * keeps what the law requires of the transaction records: amounts, SKUs, dates, country, province
 * and city. Returns the number of rows changed per table.
 */
export async function eraseCustomerData(
  trx: Trx,
  customerIds: string[],
  orderIds: string[],
  scrubber: Scrubber,
): Promise<Record<string, number>> {
  const targets: Targets = { customerIds, orderIds, patterns: scrubber.patterns() };
  const changed: Record<string, number> = {};
  const count = (table: string, n: number | bigint | undefined) => {
    changed[table] = (changed[table] ?? 0) + Number(n ?? 0);
  };
  // What is personal as a whole is overwritten, before the value-by-value pass looks for the rest.
  const emails = await trx
    .selectFrom('customer_identities')
    .select('value')
    .where('customer_id', 'in', customerIds)
    .execute();
  const keys = [...customerIds, ...emails.map((e) => e.value)];
  if (orderIds.length > 0) {
    count(
      'orders',
      (
        await trx
          .updateTable('orders')
          .set({ customer_email: ERASED_EMAIL, customer_phone: null, customer_name: null, note: null })
          .where('id', 'in', orderIds)
          .executeTakeFirst()
      ).numUpdatedRows,
    );
    count(
      'order_addresses',
      (
        await trx
          .updateTable('order_addresses')
          .set({ name: ERASED, phone: ERASED, line1: ERASED, line2: null, postal_code: null, district: null })
          .where('order_id', 'in', orderIds)
          .executeTakeFirst()
      ).numUpdatedRows,
    );
  }
  if (orderIds.length > 0) {
    // A cross-border order's buyer identity (name, national ID number) is kept only to check the order.
    count(
      'compliance_buyer_identities',
      (
        await trx
          .deleteFrom('compliance_buyer_identities')
          .where('order_id', 'in', orderIds)
          .executeTakeFirst()
      ).numDeletedRows,
    );
  }
  count(
    'notifications',
    (
      await trx
        .updateTable('notifications')
        .set({ recipient: null, subject: null, body: null, sms_params: '{}', customer_key: null })
        .where((eb) => eb.or([eb('order_id', 'in', anyOf(orderIds)), eb('customer_id', 'in', customerIds)]))
        .executeTakeFirst()
    ).numUpdatedRows,
  );
  count(
    'customer_notes',
    (
      await trx
        .deleteFrom('customer_notes')
        .where((eb) => eb.or([eb('customer_id', 'in', customerIds), eb('order_id', 'in', anyOf(orderIds))]))
        .executeTakeFirst()
    ).numDeletedRows,
  );
  count(
    'customer_addresses',
    (await trx.deleteFrom('customer_addresses').where('customer_id', 'in', customerIds).executeTakeFirst())
      .numDeletedRows,
  );
  count(
    'customer_identities',
    (await trx.deleteFrom('customer_identities').where('customer_id', 'in', customerIds).executeTakeFirst())
      .numDeletedRows,
  );
  count(
    'customers',
    (
      await trx
        .updateTable('customers')
        .set({ name: null, email: null, phone: null, tags: '[]' })
        .where('id', 'in', customerIds)
        .executeTakeFirst()
    ).numUpdatedRows,
  );
  // Per-customer purchase limits counted by e-mail: the count stays, the e-mail goes.
  for (const table of ['campaign_purchases', 'promotion_customer_uses'] as const) {
    const r = await sql`update ${sql.table(table)} set customer = 'erased:' || gen_random_uuid()::text
      where customer in ${texts(keys.map((k) => k.toLowerCase()))}`.execute(trx);
    count(table, r.numAffectedRows);
  }
  count(
    'privacy_requests',
    (
      await trx
        .updateTable('privacy_requests')
        .set({ archive: null })
        .where('customer_id', 'in', customerIds)
        .where('archive', 'is not', null)
        .executeTakeFirst()
    ).numUpdatedRows,
  );
  if (targets.patterns.length > 0 || orderIds.length > 0)
    for (const copy of COPIES) count(copy.table, await scrubCopy(trx, copy, targets, scrubber));
  return changed;
}

/**
 * Everything held about the customer, as one archive: profile, identities, addresses, notes, orders
 * (lines, addresses, timeline), payments and refunds (without provider actions: pay links and
 * signatures), shipments with tracking, returns, notifications, and the channels' copies of orders.
 */
export async function readCustomerArchive(db: Conn, customerIds: string[], orderIds: string[]) {
  const orders = anyOf(orderIds);
  const [customers, identities, addresses, notes, timeline] = await Promise.all([
    db.selectFrom('customers').selectAll().where('id', 'in', customerIds).execute(),
    db.selectFrom('customer_identities').selectAll().where('customer_id', 'in', customerIds).execute(),
    db.selectFrom('customer_addresses').selectAll().where('customer_id', 'in', customerIds).execute(),
    db
      .selectFrom('customer_notes')
      .selectAll()
      .where((eb) => eb.or([eb('customer_id', 'in', customerIds), eb('order_id', 'in', orders)]))
      .orderBy('created_at')
      .execute(),
    db
      .selectFrom('customer_timeline')
      .selectAll()
      .where('customer_id', 'in', customerIds)
      .orderBy('at')
      .execute(),
  ]);
  const [orderRows, lines, orderAddresses, orderTimeline, payments, refunds, shipments, returns] =
    await Promise.all([
      db
        .selectFrom('orders')
        .selectAll()
        .where('id', 'in', orders)
        .orderBy('placed_at')
        .execute()
        .then((rows) => rows.map(({ access_token_hash: _secret, ...order }) => order)),
      db.selectFrom('order_lines').selectAll().where('order_id', 'in', orders).orderBy('line_no').execute(),
      db.selectFrom('order_addresses').selectAll().where('order_id', 'in', orders).execute(),
      db.selectFrom('order_timeline').selectAll().where('order_id', 'in', orders).orderBy('at').execute(),
      db
        .selectFrom('payments')
        .selectAll()
        .where('order_id', 'in', orders)
        .execute()
        .then((rows) => rows.map(({ action: _payLinks, ...payment }) => payment)),
      db.selectFrom('payment_refunds').selectAll().where('order_id', 'in', orders).execute(),
      db.selectFrom('shipments').selectAll().where('order_id', 'in', orders).execute(),
      db.selectFrom('returns').selectAll().where('order_id', 'in', orders).execute(),
    ]);
  const shipmentIds = anyOf(shipments.map((s) => s.id));
  const returnIds = anyOf(returns.map((r) => r.id));
  const [shipmentLines, tracking, returnLines, notifications, channelOrders] = await Promise.all([
    db.selectFrom('shipment_lines').selectAll().where('shipment_id', 'in', shipmentIds).execute(),
    db
      .selectFrom('tracking_events')
      .selectAll()
      .where('shipment_id', 'in', shipmentIds)
      .orderBy('occurred_at')
      .execute(),
    db.selectFrom('return_lines').selectAll().where('return_id', 'in', returnIds).execute(),
    db
      .selectFrom('notifications')
      .select([
        'id',
        'order_id',
        'kind',
        'category',
        'channel',
        'locale',
        'recipient',
        'status',
        'skip_reason',
        'subject',
        'body',
        'sms_template_code',
        'sms_params',
        'created_at',
        'sent_at',
      ])
      .where((eb) => eb.or([eb('order_id', 'in', orders), eb('customer_id', 'in', customerIds)]))
      .orderBy('created_at')
      .execute(),
    db
      .selectFrom('channel_orders')
      .select(['id', 'order_id', 'external_id', 'state', 'snapshot', 'updated_at'])
      .where('order_id', 'in', orders)
      .execute(),
  ]);
  const byOrder = <R extends { order_id: string | null }>(rows: R[], id: string) =>
    rows.filter((r) => r.order_id === id);
  return {
    customers,
    identities,
    addresses,
    notes,
    timeline,
    orders: orderRows.map((order) => ({
      ...order,
      lines: byOrder(lines, order.id),
      addresses: byOrder(orderAddresses, order.id),
      timeline: byOrder(orderTimeline, order.id),
      payments: byOrder(payments, order.id).map((p) => ({
        ...p,
        refunds: refunds.filter((r) => r.payment_id === p.id),
      })),
      shipments: byOrder(shipments, order.id).map((s) => ({
        ...s,
        lines: shipmentLines.filter((l) => l.shipment_id === s.id),
        tracking: tracking.filter((e) => e.shipment_id === s.id),
      })),
      returns: byOrder(returns, order.id).map((r) => ({
        ...r,
        lines: returnLines.filter((l) => l.return_id === r.id),
      })),
      channelOrders: byOrder(channelOrders, order.id),
    })),
    notifications,
  };
}
