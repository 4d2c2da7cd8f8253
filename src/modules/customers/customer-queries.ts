import type { Conn } from '../../platform/db/database.js';
import { notFound } from '../../platform/errors.js';
import { decodeCursor, IdCursor, pageOf } from '../../platform/http/pagination.js';
import { findOrdersByIds, toE164, toOrderSummary } from '../orders/index.js';
import { normalizeEmail } from './customer-matching.js';
import {
  lifetimeValue,
  toCustomerAddress,
  toCustomerRecord,
  toCustomerTimelineEntry,
  toSupportNote,
} from './customer-views.js';
import {
  type CustomerRow,
  findAddresses,
  findCustomerById,
  findCustomerOrderIds,
  findCustomerTimeline,
  findNotes,
  listCustomers,
} from './customers.repository.js';
import type { ListCustomersQuery } from './customers.schemas.js';

/** How many of a customer's orders the detail lists (its lifetime value counts them all). */
const ORDERS_SHOWN = 100;

export async function searchCustomers(db: Conn, query: ListCustomersQuery) {
  const limit = query.limit ?? 50;
  const before = decodeCursor(query.cursor, IdCursor);
  const text = query.q?.trim();
  const rows = await listCustomers(db, {
    q: text ? { text, email: normalizeEmail(text), phone: toE164(text) } : undefined,
    tag: query.tag?.trim(),
    beforeId: before?.[0],
    limit: limit + 1,
  });
  return pageOf(rows, limit, toCustomerRecord, (last) => [last.id]);
}

/** The customer row, following merges to the customer that absorbed it. */
export async function resolveCustomer(db: Conn, id: string): Promise<CustomerRow | undefined> {
  let row = await findCustomerById(db, id);
  for (let hops = 0; row?.merged_into && hops < 10; hops++) row = await findCustomerById(db, row.merged_into);
  return row;
}

export async function findLiveCustomer(db: Conn, id: string): Promise<CustomerRow> {
  const row = await resolveCustomer(db, id);
  if (!row) throw notFound('Customer', id);
  return row;
}

/** Orders, lifetime value and order count of a customer (also the order page's customer section). */
export async function customerStanding(db: Conn, customerId: string) {
  const orders = await findOrdersByIds(db, await findCustomerOrderIds(db, customerId));
  return { orders, orderCount: orders.length, lifetimeValue: lifetimeValue(orders) };
}

/** Everything about a customer: contact, addresses, orders, lifetime value, notes, timeline. */
export async function getCustomerDetail(db: Conn, id: string) {
  const customer = await findLiveCustomer(db, id);
  const [standing, addresses, notes, timeline] = await Promise.all([
    customerStanding(db, customer.id),
    findAddresses(db, customer.id),
    findNotes(db, { customerId: customer.id }),
    findCustomerTimeline(db, customer.id),
  ]);
  return {
    ...toCustomerRecord(customer),
    addresses: addresses.map(toCustomerAddress),
    orders: standing.orders.slice(0, ORDERS_SHOWN).map(toOrderSummary),
    orderCount: standing.orderCount,
    lifetimeValue: standing.lifetimeValue,
    notes: notes.map(toSupportNote),
    timeline: timeline.map(toCustomerTimelineEntry),
  };
}
