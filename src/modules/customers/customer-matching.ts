import type { Insertable } from 'kysely';
import type { Trx } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import { findAddressesOfOrders, findOrdersByIds, type OrderRow, toE164 } from '../orders/index.js';
import { localeForCountry, timeZoneForCountry } from './customer-defaults.js';
import { toCustomerSnapshot } from './customer-views.js';
import {
  type CustomerRow,
  findCustomersById,
  findIdentities,
  findLinkedCustomers,
  type IdentityKey,
  insertCustomers,
  insertMatchedOrders,
  lockIdentities,
  type NewAddress,
  type TimelineEntry,
  updateCustomer,
} from './customers.repository.js';
import type { CustomersTable, MatchedBy } from './customers.tables.js';

/** E-mail as matched: trimmed, lower-case (the local part is case-insensitive in practice everywhere). */
export const normalizeEmail = (email: string) => email.normalize('NFC').trim().toLowerCase();

/**
 * The phone of an order as matched: orders store E.164 when the number is valid (phone-number.ts) and
 * the text as given otherwise (a marketplace's masked "138****0000"), which must match nobody.
 */
const matchablePhone = (phone: string | null) => (phone && toE164(phone) === phone ? phone : undefined);

function identitiesOf(order: OrderRow): IdentityKey[] {
  const phone = matchablePhone(order.customer_phone);
  return [
    { kind: 'email' as const, value: normalizeEmail(order.customer_email) },
    ...(phone ? [{ kind: 'phone' as const, value: phone }] : []),
  ];
}

export interface OrderCustomer {
  customer: CustomerRow;
  matchedBy: MatchedBy;
}

/**
 * The customer of an order, matched on first call and linked for good (ensureOrderCustomers);
 * `undefined` when the order does not exist.
 */
export async function ensureOrderCustomer(trx: Trx, orderId: string): Promise<OrderCustomer | undefined> {
  return (await ensureOrderCustomers(trx, [orderId])).get(orderId);
}

/** What matching a batch of orders will write, gathered first and written set by set. */
interface MatchWrites {
  created: Array<Insertable<CustomersTable>>;
  updated: Map<string, Partial<Insertable<CustomersTable>>>;
  identities: Array<IdentityKey & { customer_id: string }>;
  links: Array<{ order_id: string; customer_id: string; matched_by: MatchedBy }>;
  addresses: Map<string, NewAddress & { customer_id: string }>;
  timeline: TimelineEntry[];
}

/**
 * The customers of several orders (a consumer's batch), matched on first call and linked for good: by
 * normalized e-mail first, then by E.164 phone, whatever the channel; a new customer when neither is
 * known. Every spelling an order brings that nobody holds yet becomes its customer's, as do its
 * addresses. The orders are matched in the order given, each seeing the customers the earlier ones
 * created, and the writes go out a few set-based statements for the whole batch. Safe to call from
 * several consumers and relays at once (the identities are locked until commit); orders that do not
 * exist are left out of the answer.
 */
export async function ensureOrderCustomers(
  trx: Trx,
  orderIds: readonly string[],
): Promise<Map<string, OrderCustomer>> {
  const found = await linkedCustomers(trx, orderIds);
  const unlinked = orderIds.filter((id) => !found.has(id));
  if (unlinked.length === 0) return found;
  const [orders, addressRows] = await Promise.all([
    findOrdersByIds(trx, unlinked),
    findAddressesOfOrders(trx, unlinked),
  ]);
  const byId = new Map(orders.map((o) => [o.id, o]));
  const keysOf = new Map(orders.map((o) => [o.id, identitiesOf(o)]));
  await lockIdentities(trx, [...keysOf.values()].flat());
  // Another transaction may have linked some orders while this one waited for the locks.
  for (const [id, raced] of await linkedCustomers(trx, unlinked)) found.set(id, raced);
  const todo = [...new Set(unlinked)].filter((id) => byId.has(id) && !found.has(id));
  if (todo.length === 0) return found;

  const held = await findIdentities(trx, [
    ...new Map(todo.flatMap((id) => keysOf.get(id)!).map((k) => [`${k.kind}:${k.value}`, k])).values(),
  ]);
  const holder = new Map(held.map((h) => [`${h.kind}:${h.value}`, h.customer_id]));
  const known = new Map((await findCustomersById(trx, [...new Set(holder.values())])).map((c) => [c.id, c]));
  const writes: MatchWrites = {
    created: [],
    updated: new Map(),
    identities: [],
    links: [],
    addresses: new Map(),
    timeline: [],
  };
  const createdRows = new Map<string, Insertable<CustomersTable>>();
  const matched = new Map<string, { customerId: string; matchedBy: MatchedBy }>();
  const addressesOf = groupBy(addressRows, (a) => a.order_id);
  for (const orderId of todo) {
    const order = byId.get(orderId)!;
    const keys = keysOf.get(orderId)!;
    const addresses = addressesOf.get(orderId) ?? [];
    const hit = (['email', 'phone'] as const)
      .map((kind) => keys.find((k) => k.kind === kind && holder.has(`${k.kind}:${k.value}`)))
      .find((k) => k !== undefined);
    let customerId: string;
    let matchedBy: MatchedBy;
    if (hit) {
      customerId = holder.get(`${hit.kind}:${hit.value}`)!;
      matchedBy = hit.kind;
      const current = createdRows.get(customerId) ?? {
        ...known.get(customerId)!,
        ...writes.updated.get(customerId),
      };
      const changes = missingContact(current, order, keys, holder);
      if (Object.keys(changes).length > 0) {
        const fresh = createdRows.get(customerId);
        if (fresh) Object.assign(fresh, changes);
        else writes.updated.set(customerId, { ...writes.updated.get(customerId), ...changes });
      }
    } else {
      const country = addresses[0]?.country;
      const row: Insertable<CustomersTable> = {
        id: newId(),
        name: order.customer_name,
        email: keys[0]!.value,
        phone: matchablePhone(order.customer_phone) ?? null,
        locale: localeForCountry(country),
        time_zone: timeZoneForCountry(country),
      };
      customerId = row.id;
      matchedBy = 'new';
      createdRows.set(customerId, row);
      writes.created.push(row);
      writes.timeline.push({
        customer_id: customerId,
        kind: 'customer.created',
        actor: 'system',
        message: `Created from order ${order.number} (${order.channel})`,
        data: { orderId },
      });
    }
    for (const k of keys) {
      const key = `${k.kind}:${k.value}`;
      if (holder.has(key)) continue;
      holder.set(key, customerId);
      writes.identities.push({ ...k, customer_id: customerId });
    }
    matched.set(orderId, { customerId, matchedBy });
    writes.links.push({ order_id: orderId, customer_id: customerId, matched_by: matchedBy });
    for (const { order_id, key, ...address } of addresses) {
      const print = fingerprint(address);
      writes.addresses.set(`${customerId} ${print}`, {
        ...address,
        fingerprint: print,
        customer_id: customerId,
      });
    }
    writes.timeline.push({
      customer_id: customerId,
      kind: 'order.linked',
      actor: 'system',
      message: `Order ${order.number} (${order.channel}) matched by ${matchedBy === 'new' ? 'a new customer' : matchedBy}`,
      data: { orderId, matchedBy },
    });
  }

  const rows = await writeMatches(trx, writes);
  for (const c of known.values()) if (!rows.has(c.id)) rows.set(c.id, c);
  for (const [orderId, m] of matched)
    found.set(orderId, { customer: rows.get(m.customerId)!, matchedBy: m.matchedBy });
  return found;
}

/**
 * The batch's writes: the new customers (as stored: their events carry them), the rare update of a
 * known one, then everything else in one statement; the customers created or changed, as stored.
 */
async function writeMatches(trx: Trx, writes: MatchWrites): Promise<Map<string, CustomerRow>> {
  const rows = new Map<string, CustomerRow>();
  for (const c of await insertCustomers(trx, writes.created)) rows.set(c.id, c);
  // a known customer learning a phone or a name from a later order: rare, one update each
  for (const [id, changes] of writes.updated) rows.set(id, await updateCustomer(trx, id, changes));
  const firstOrder = new Map<string, string>();
  for (const l of writes.links) if (!firstOrder.has(l.customer_id)) firstOrder.set(l.customer_id, l.order_id);
  await insertMatchedOrders(trx, {
    identities: writes.identities,
    links: writes.links,
    addresses: [...writes.addresses.values()],
    timeline: writes.timeline,
    events: writes.created.map(({ id }) => ({
      subject: id,
      type: 'customer.created' as const,
      data: { customer: toCustomerSnapshot(rows.get(id)!), orderId: firstOrder.get(id)! },
    })),
  });
  return rows;
}

async function linkedCustomers(trx: Trx, orderIds: readonly string[]): Promise<Map<string, OrderCustomer>> {
  const found = new Map<string, OrderCustomer>();
  for (const { matched_by, order_id, ...customer } of await findLinkedCustomers(trx, orderIds))
    found.set(order_id, { customer, matchedBy: matched_by });
  return found;
}

/** What a known customer learns from a later order: the phone or e-mail nobody holds, a name. */
function missingContact(
  customer: Pick<CustomerRow, 'name' | 'email' | 'phone'> | Insertable<CustomersTable>,
  order: OrderRow,
  keys: IdentityKey[],
  holder: ReadonlyMap<string, string>,
): Partial<Insertable<CustomersTable>> {
  const free = (kind: string) =>
    keys.find((k) => k.kind === kind && !holder.has(`${k.kind}:${k.value}`))?.value;
  return {
    ...(customer.name == null && order.customer_name ? { name: order.customer_name } : {}),
    ...(customer.email == null && free('email') ? { email: free('email') } : {}),
    ...(customer.phone == null && free('phone') ? { phone: free('phone') } : {}),
  };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

/** Two spellings of one address (case, spaces) are one address. */
function fingerprint(a: Record<string, string | null>): string {
  return ['country', 'province', 'city', 'district', 'line1', 'line2', 'postal_code', 'name', 'phone']
    .map((k) => (a[k] ?? '').normalize('NFC').trim().toLowerCase().replace(/\s+/g, ' '))
    .join('|');
}
