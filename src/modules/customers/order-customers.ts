import type { Conn, Trx } from '../../platform/db/database.js';
import type { ConsumedEvent, EventConsumer } from '../../platform/module.js';
import { isEventData } from '../sync/index.js';
import { ensureOrderCustomers, normalizeEmail } from './customer-matching.js';
import { resolveCustomer } from './customer-queries.js';
import { type CustomerRecord, toCustomerRecord } from './customer-views.js';
import { findIdentities, findOrderLink } from './customers.repository.js';

/**
 * Every placed order gets its customer, also the orders placed before this module existed (from the
 * beginning of the outbox). Matching runs here, after the order committed, not inside placement.
 */
export const customerOfPlacedOrders: EventConsumer = {
  name: 'customers-match-orders',
  eventTypes: ['order.placed'],
  from: 'beginning',
  handle: (event, trx) => matchPlacedOrders([event], trx),
  handleBatch: matchPlacedOrders,
};

async function matchPlacedOrders(events: readonly ConsumedEvent[], trx: Trx): Promise<void> {
  for (const event of events)
    if (!isEventData('order.placed', event.data)) throw new Error('not an order.placed payload');
  await ensureOrderCustomers(
    trx,
    events.map((e) => e.subject),
  );
}

/** The customer an order is linked to (undefined until its order.placed was matched). */
export async function customerForOrder(db: Conn, orderId: string): Promise<CustomerRecord | undefined> {
  const link = await findOrderLink(db, orderId);
  return link ? findCustomer(db, link.customer_id) : undefined;
}

/** A customer by id; a merged one answers as the customer it was merged into. */
export async function findCustomer(db: Conn, id: string): Promise<CustomerRecord | undefined> {
  const row = await resolveCustomer(db, id);
  return row ? toCustomerRecord(row) : undefined;
}

/** The customer who holds this e-mail (in any case), as `findCustomer` answers. */
export async function findCustomerByEmail(db: Conn, email: string): Promise<CustomerRecord | undefined> {
  const [held] = await findIdentities(db, [{ kind: 'email', value: normalizeEmail(email) }]);
  return held ? findCustomer(db, held.customer_id) : undefined;
}
