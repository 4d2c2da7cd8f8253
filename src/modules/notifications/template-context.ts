import { CARRIERS } from '../fulfillment/index.js';
import { KINDS, type Kind, type Locale } from './notification-kinds.js';

/** What a message is about, read from orders (and customers), never from an event's personal data. */
export interface NotificationFacts {
  order: {
    number: string;
    currency: string;
    grandTotal: number;
    status: string;
    placedAt: Date;
    paymentDueAt: Date | null;
    lines: { title: string; quantity: number }[];
  };
  customer: { name: string | null };
  shipment?: { carrier: string | null; trackingNumber: string | null };
  refund?: { amount: number };
  return?: { type: string; reason: string };
}

export interface Links {
  /** Only in messages that can be unsubscribed from (not transactional). */
  unsubscribe?: string;
}

/**
 * Formatters are made once per locale and currency or time zone, not per message: making an Intl
 * formatter costs far more than using one. Locales are two and currencies and zones few, so the
 * caches stay small.
 */
const moneyFormats = new Map<string, { format: Intl.NumberFormat; digits: number }>();
const timeFormats = new Map<string, Intl.DateTimeFormat>();

export function formatMoney(minor: number, currency: string, locale: Locale): string {
  const key = `${locale}|${currency}`;
  let m = moneyFormats.get(key);
  if (!m) {
    const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
    m = { format, digits: format.resolvedOptions().maximumFractionDigits ?? 2 };
    moneyFormats.set(key, m);
  }
  return m.format.format(minor / 10 ** m.digits);
}

function formatTime(at: Date, locale: Locale, timeZone: string): string {
  const key = `${locale}|${timeZone}`;
  let format = timeFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });
    timeFormats.set(key, format);
  }
  return format.format(at);
}

/** A parcel's public tracking page (Kuaidi100 knows every carrier we ship with). */
export function trackingUrl(carrier: string | null, trackingNumber: string | null): string | null {
  if (!carrier || !trackingNumber) return null;
  const known = CARRIERS.find((c) => c.code === carrier);
  const com = known?.kuaidi100 ?? carrier;
  return `https://www.kuaidi100.com/chaxun?com=${encodeURIComponent(com)}&nu=${encodeURIComponent(trackingNumber)}`;
}

/** The variables a template of `kind` sees; only the parts the kind has are present (strict). */
export function templateContext(
  kind: Kind,
  facts: NotificationFacts,
  locale: Locale,
  timeZone: string,
  links: Links,
): Record<string, unknown> {
  const o = facts.order;
  const context: Record<string, unknown> = {
    shop: { name: 'OrderSync' },
    order: {
      number: o.number,
      total: formatMoney(o.grandTotal, o.currency, locale),
      status: o.status,
      placedAt: formatTime(o.placedAt, locale, timeZone),
      lines: o.lines.map((l) => ({ title: l.title, quantity: l.quantity })),
      itemCount: o.lines.reduce((n, l) => n + l.quantity, 0),
    },
    customer: { name: facts.customer.name ?? '' },
    links: links.unsubscribe ? { unsubscribe: links.unsubscribe } : {},
  };
  const has: readonly string[] = KINDS[kind].has;
  if (has.includes('shipment')) {
    const s = facts.shipment ?? { carrier: null, trackingNumber: null };
    const known = CARRIERS.find((c) => c.code === s.carrier);
    context.shipment = {
      carrier: known?.name ?? s.carrier ?? '',
      trackingNumber: s.trackingNumber ?? '',
      trackingUrl: trackingUrl(s.carrier, s.trackingNumber) ?? '',
    };
  }
  if (has.includes('refund')) {
    context.refund = { amount: formatMoney(facts.refund?.amount ?? 0, o.currency, locale) };
  }
  if (has.includes('return')) {
    context.return = { type: facts.return?.type ?? '', reason: facts.return?.reason ?? '' };
  }
  if (has.includes('payment')) {
    context.payment = { dueAt: o.paymentDueAt ? formatTime(o.paymentDueAt, locale, timeZone) : '' };
  }
  return context;
}

/** A made-up order every template is rendered against when it is saved: unknown variables fail here. */
export function sampleContext(kind: Kind, locale: Locale, unsubscribable: boolean): Record<string, unknown> {
  const facts: NotificationFacts = {
    order: {
      number: 'SO-20261205-0001',
      currency: 'CNY',
      grandTotal: 12_800,
      status: 'paid',
      placedAt: new Date('2026-12-05T08:00:00Z'),
      paymentDueAt: new Date('2026-12-05T08:30:00Z'),
      lines: [{ title: 'Celadon tea set', quantity: 1 }],
    },
    customer: { name: 'Li Lei' },
    shipment: { carrier: 'sf', trackingNumber: 'SF1234567890123' },
    refund: { amount: 12_800 },
    return: { type: 'return_refund', reason: 'damaged' },
  };
  return templateContext(kind, facts, locale, 'Asia/Shanghai', {
    unsubscribe: unsubscribable ? 'https://shop.example/v1/unsubscribe?token=sample' : undefined,
  });
}
