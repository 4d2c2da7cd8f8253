import type { Role } from '../../platform/auth/roles.js';
import type { Conn } from '../../platform/db/database.js';
import { customerStanding } from './customer-queries.js';
import { customerRecordFor, toCustomerRecord, toSupportNote } from './customer-views.js';
import { findCustomerById, findNotes, findOrderLink } from './customers.repository.js';

/** The roles that see customer records and support notes. */
export const CUSTOMER_SERVICE_ROLES = ['support'] as const satisfies readonly Role[];
const seesCustomers = (viewer: Role | undefined) =>
  viewer === undefined || viewer === 'admin' || (CUSTOMER_SERVICE_ROLES as readonly Role[]).includes(viewer);

/**
 * What customers adds to GET /v1/orders/{id} for support and admin: the customer behind the order
 * (lifetime value, order count, tags, preferences) and the notes written about them; support sees
 * the customer's contact masked, as the order's. Others (the buyer, channels, warehouse, finance) get
 * nothing from here.
 */
export async function customerSection(db: Conn, orderId: string, viewer?: Role) {
  if (!seesCustomers(viewer)) return {};
  const link = await findOrderLink(db, orderId);
  const customer = link && (await findCustomerById(db, link.customer_id));
  if (!customer) return { customerProfile: null, customerNotes: [] };
  const [standing, notes] = await Promise.all([
    customerStanding(db, customer.id),
    findNotes(db, { customerId: customer.id }),
  ]);
  return {
    customerProfile: {
      ...customerRecordFor(viewer, toCustomerRecord(customer)),
      matchedBy: link.matched_by,
      orderCount: standing.orderCount,
      lifetimeValue: standing.lifetimeValue,
    },
    customerNotes: notes.map(toSupportNote),
  };
}
