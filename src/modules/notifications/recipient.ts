import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { Conn, Trx } from '../../platform/db/database.js';
import { type ContactPreferences, customerForOrder, ensureOrderCustomers } from '../customers/index.js';
import { findAddressesOfOrders, findLinesOfOrders, findOrdersByIds, type OrderRow } from '../orders/index.js';
import type { Locale } from './notification-kinds.js';
import type { NotificationFacts } from './template-context.js';

/** Who a message goes to, read from the order (never from an event: events lose personal data). */
export interface Recipient {
  customerId: string | null;
  /** Whose preferences apply: the customer's id, or the e-mail in lower case for a buyer not known as one. */
  customerKey: string;
  email: string | null;
  phone: string | null;
  name: string | null;
  locale: Locale;
  timeZone: string;
  /** What the customer agreed to be contacted about (customers' store; ask its `mayContact`). */
  preferences: ContactPreferences;
}

const ZONES: Record<string, string> = {
  CN: 'Asia/Shanghai',
  HK: 'Asia/Hong_Kong',
  MO: 'Asia/Macau',
  TW: 'Asia/Taipei',
  SG: 'Asia/Singapore',
  JP: 'Asia/Tokyo',
  KR: 'Asia/Seoul',
  GB: 'Europe/London',
  DE: 'Europe/Berlin',
  FR: 'Europe/Paris',
};

/** What notifications read of a customer (customers' record). */
export interface CustomerContact {
  id: string;
  email: string | null;
  phone: string | null;
  name: string | null;
  locale: string;
  timeZone: string | null;
  /** As customers stores them; absent where only the defaults matter (a preview, a time zone). */
  preferences?: ContactPreferences;
}

const asLocale = (l: string | undefined): Locale | undefined => (l === 'zh-CN' || l === 'en' ? l : undefined);

/**
 * The buyer of an order: the order's contact (else the customer's), the customer's preferred locale
 * and time zone where customers knows them, else a locale and zone that follow the shipping country (a Chinese
 * mainland address reads zh-CN in Asia/Shanghai, anything else en).
 */
export function recipientOfOrder(
  order: OrderRow,
  country: string | undefined,
  customer?: CustomerContact,
): Recipient {
  // The order's own contact first (what the buyer gave for this order), the customer's record after.
  const email = order.customer_email?.trim() || customer?.email?.trim() || null;
  return {
    customerId: customer?.id ?? null,
    customerKey: customer?.id ?? (email ? email.toLowerCase() : `order:${order.id}`),
    email,
    phone: order.customer_phone ?? customer?.phone ?? null,
    name: customer?.name ?? order.customer_name,
    locale: asLocale(customer?.locale) ?? (country === 'CN' ? 'zh-CN' : 'en'),
    timeZone: customer?.timeZone || (country && ZONES[country]) || 'UTC',
    preferences: customer?.preferences ?? {},
  };
}

/** The phone in E.164 if it is a mobile number (SMS can reach it), else why not. */
export function mobileNumber(phone: string | null): { e164: string } | { refusal: string } {
  if (!phone) return { refusal: 'no phone number' };
  const parsed = parsePhoneNumberFromString(phone, 'CN');
  if (!parsed?.isValid()) return { refusal: 'the phone number is not valid' };
  const type = parsed.getType();
  if (type !== 'MOBILE' && type !== 'FIXED_LINE_OR_MOBILE')
    return { refusal: 'the phone number is not a mobile number' };
  return { e164: parsed.number };
}

export interface OrderForNotification {
  order: OrderRow;
  facts: NotificationFacts;
  recipient: Recipient;
}

/** An order's facts for its templates and its recipient, or undefined when there is no such order. */
export async function orderForNotification(
  db: Conn,
  orderId: string,
  customer?: CustomerContact,
): Promise<OrderForNotification | undefined> {
  const known = customer ?? (await customerForOrder(db, orderId));
  const customers = new Map(known ? [[orderId, known]] : []);
  return (await ordersForNotification(db, [orderId], customers)).get(orderId);
}

/**
 * Several orders' facts and recipients (a consumer's batch) in three reads whatever their number,
 * given their customers as far as customers knows them; orders that do not exist are left out.
 */
export async function ordersForNotification(
  db: Conn,
  orderIds: readonly string[],
  customers: ReadonlyMap<string, CustomerContact>,
): Promise<Map<string, OrderForNotification>> {
  // The shipping country only stands in for what customers does not know (a locale, a time zone).
  const needsCountry = orderIds.filter((id) => {
    const c = customers.get(id);
    return !c?.timeZone || !asLocale(c.locale);
  });
  const [orders, lines, addresses] = await Promise.all([
    findOrdersByIds(db, orderIds),
    findLinesOfOrders(db, orderIds),
    findAddressesOfOrders(db, needsCountry),
  ]);
  const found = new Map<string, OrderForNotification>();
  for (const order of orders) {
    const known = customers.get(order.id);
    const facts: NotificationFacts = {
      order: {
        number: order.number,
        currency: order.currency,
        grandTotal: order.grand_total,
        status: order.status,
        placedAt: order.placed_at,
        paymentDueAt: order.payment_due_at,
        lines: lines
          .filter((l) => l.order_id === order.id)
          .map((l) => ({ title: l.title, quantity: l.quantity })),
      },
      customer: { name: known?.name ?? order.customer_name },
    };
    const country = addresses.find((a) => a.order_id === order.id)?.country;
    found.set(order.id, { order, facts, recipient: recipientOfOrder(order, country, known) });
  }
  return found;
}

/**
 * The customers of orders inside a consumer's transaction: matched (and linked) now if customers'
 * own order.placed consumer has not got there yet — both consumers see the same order events, in no
 * fixed order between them.
 */
export async function orderCustomers(
  trx: Trx,
  orderIds: readonly string[],
): Promise<Map<string, CustomerContact>> {
  const contacts = new Map<string, CustomerContact>();
  for (const [orderId, { customer: c }] of await ensureOrderCustomers(trx, orderIds))
    contacts.set(orderId, {
      id: c.id,
      email: c.email,
      phone: c.phone,
      name: c.name,
      locale: c.locale,
      timeZone: c.time_zone,
      preferences: c.contact_preferences,
    });
  return contacts;
}
