import type { Selectable } from 'kysely';
import type { Role } from '../../platform/auth/roles.js';
import { maskAddress, maskEmail, maskName, maskPhone } from '../../platform/privacy/masking.js';
import { type OrderRow, type OrderSummary, orderViewFor, toAddressView } from '../orders/index.js';
import type { EventData } from '../sync/index.js';
import { effectivePreferences } from './contact-preferences.js';
import type { CustomerAddressRow, CustomerRow, NoteRow } from './customers.repository.js';
import type { CustomerTimelineTable } from './customers.tables.js';

/** The customer as its events carry it. */
export function toCustomerSnapshot(c: CustomerRow): EventData<'customer.created'>['customer'] {
  return {
    id: c.id,
    name: c.name,
    email: c.email,
    phone: c.phone,
    locale: c.locale,
    timeZone: c.time_zone,
    tags: c.tags,
    version: c.version,
  };
}

/**
 * The customer as other modules and the API read it: contact, locale, time zone and what they agreed
 * to be contacted about. This file is where every view of a customer is made, so that masking
 * personal data can be applied in one place.
 */
export function toCustomerRecord(c: CustomerRow) {
  return {
    ...toCustomerSnapshot(c),
    locale: c.locale,
    preferences: effectivePreferences(c.contact_preferences),
    mergedInto: c.merged_into,
    createdAt: c.created_at.toISOString(),
    updatedAt: c.updated_at.toISOString(),
  };
}
export type CustomerRecord = ReturnType<typeof toCustomerRecord>;

export function toCustomerAddress(a: CustomerAddressRow) {
  return { id: a.id, ...toAddressView(a), lastUsedAt: a.last_used_at.toISOString() };
}
type CustomerAddress = ReturnType<typeof toCustomerAddress>;

/**
 * Support works with customers but sees their contact masked (`138****0000`, `m***@example.org`,
 * `W*** F***`, streets `***`), as on orders, unless it opens the record with a reason
 * (POST /v1/customers/{id}/pii-views, audited). Admin and OrderSync itself (no viewer) see it whole.
 */
const masksFor = (viewer: Role | undefined) => viewer === 'support';

/** A customer record as `viewer` may see it. */
export function customerRecordFor<T extends Pick<CustomerRecord, 'name' | 'email' | 'phone'>>(
  viewer: Role | undefined,
  c: T,
): T {
  if (!masksFor(viewer)) return c;
  return { ...c, name: maskName(c.name), email: maskEmail(c.email), phone: maskPhone(c.phone) };
}

/** A customer's page (contact, addresses, orders) as `viewer` may see it. */
export function customerDetailFor<
  T extends Pick<CustomerRecord, 'name' | 'email' | 'phone'> & {
    addresses: CustomerAddress[];
    orders: OrderSummary[];
  },
>(viewer: Role | undefined, d: T): T {
  if (!masksFor(viewer)) return d;
  return {
    ...customerRecordFor(viewer, d),
    addresses: d.addresses.map(maskAddress),
    orders: d.orders.map((o) => orderViewFor(viewer, o)),
  };
}

export function toSupportNote(n: NoteRow) {
  return {
    id: n.id,
    author: n.author,
    body: n.body,
    orderId: n.order_id,
    customerId: n.customer_id,
    createdAt: n.created_at.toISOString(),
  };
}

export function toCustomerTimelineEntry(t: Selectable<CustomerTimelineTable>) {
  return { id: t.id, at: t.at.toISOString(), kind: t.kind, actor: t.actor, message: t.message, data: t.data };
}

/** What a customer is worth, per currency: money received less money refunded, in minor units. */
export function lifetimeValue(orders: readonly OrderRow[]) {
  const byCurrency = new Map<string, { currency: string; orders: number; paid: number; refunded: number }>();
  for (const o of orders) {
    const v = byCurrency.get(o.currency) ?? { currency: o.currency, orders: 0, paid: 0, refunded: 0 };
    v.orders += 1;
    v.paid += o.paid_total;
    v.refunded += o.refunded_total;
    byCurrency.set(o.currency, v);
  }
  return [...byCurrency.values()]
    .sort((a, b) => a.currency.localeCompare(b.currency))
    .map((v) => ({ ...v, net: v.paid - v.refunded }));
}
