import { type Answer, api, must, type QueryOf } from './client';

export type OrderSummary = Answer<'/v1/orders', 'get'>['data'][number];
export type OrderQuery = QueryOf<'/v1/orders', 'get'>;

/** Every order matching a filter, page by page (200 a page), up to `max`. */
export async function allOrders(query: OrderQuery, max = 10_000, onPage?: (n: number) => void) {
  const orders: OrderSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await must(api.GET('/v1/orders', { params: { query: { ...query, limit: 200, cursor } } }));
    orders.push(...page.data);
    onPage?.(orders.length);
    cursor = page.nextCursor ?? undefined;
  } while (cursor && orders.length < max);
  return orders;
}

/** What a day's orders add up to: count, GMV (cancelled orders left out) per currency, per channel. */
export function dayFigures(orders: OrderSummary[]) {
  const kept = orders.filter((o) => o.status !== 'cancelled');
  const gmv = new Map<string, number>();
  const channels = new Map<string, { orders: number; gmv: number; currency: string }>();
  for (const o of kept) {
    gmv.set(o.currency, (gmv.get(o.currency) ?? 0) + o.totals.grandTotal);
    const c = channels.get(o.channel) ?? { orders: 0, gmv: 0, currency: o.currency };
    c.orders += 1;
    c.gmv += o.totals.grandTotal;
    channels.set(o.channel, c);
  }
  return { count: orders.length, gmv, channels };
}

/** The start of a local calendar day, `daysAgo` days back. */
export function dayStart(daysAgo: number): Date {
  const d = new Date();
  d.setHours(0, 0, 0, 0);
  d.setDate(d.getDate() - daysAgo);
  return d;
}

const CSV_COLUMNS = [
  'number',
  'placedAt',
  'status',
  'paymentStatus',
  'fulfillmentStatus',
  'channel',
  'email',
  'phone',
  'currency',
  'grandTotal',
] as const;

const cell = (v: string | number | null) => {
  const s = v === null ? '' : String(v);
  // Quote what CSV needs quoted, and defuse cells a spreadsheet would run as a formula.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

/** Orders as CSV (RFC 4180), money in minor units as the API gives it. */
export function ordersCsv(orders: OrderSummary[]): string {
  const rows = orders.map((o) =>
    [
      o.number,
      o.placedAt,
      o.status,
      o.paymentStatus,
      o.fulfillmentStatus,
      o.channel,
      o.customer?.email ?? '',
      o.customer?.phone ?? '',
      o.currency,
      o.totals.grandTotal,
    ]
      .map(cell)
      .join(','),
  );
  return `${[CSV_COLUMNS.join(','), ...rows].join('\r\n')}\r\n`;
}
