import { type HistoricalOrder, importHistoricalOrders } from '../modules/orders/index.js';
import type { Db } from '../platform/db/database.js';
import type { SeededRandom } from '../platform/seeded-random.js';
import { DEMO_BUYERS } from './demo-people.js';

const DAY_MS = 86_400_000;
/** Orders per weekday (Sunday first) before the trend and noise: busy midweek, a quiet Sunday. */
const WEEKLY = [9, 12, 14, 15, 14, 16, 11];
/** Free shipping from ¥99, as the demo zone's economy rate. */
const SHIPPING = (subtotal: number) => (subtotal >= 9900 ? 0 : 800);

export interface DemoSku {
  sku: string;
  title: string;
  price: number;
}

/**
 * The weeks before the first start as finished orders (completed and paid, the orders module's
 * history import: analytics gets their facts from its event, no stock moves): a weekly rhythm with
 * a slow rise, over web, app and a marketplace, numbered DEMO-<yymmdd>-<n>. Up to the start of
 * today (UTC); today's orders are placed for real (demo-orders.ts).
 */
export function demoHistory(
  skus: readonly DemoSku[],
  now: Date,
  random: SeededRandom,
  days: number,
): HistoricalOrder[] {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const orders: HistoricalOrder[] = [];
  for (let d = days; d >= 1; d--) {
    const day = new Date(today - d * DAY_MS);
    const count = Math.round(WEEKLY[day.getUTCDay()]! * (1 + (days - d) / (days * 2)) + random.int(-2, 2));
    const stamp = day.toISOString().slice(2, 10).replaceAll('-', '');
    // Shoppers in China: 08:00–23:30 Beijing time, in time order through the day.
    const times = Array.from({ length: count }, () => random.int(0, 15.5 * 60)).sort((a, b) => a - b);
    times.forEach((minute, i) => {
      const buyer = random.pick(DEMO_BUYERS);
      const lines = random.some(skus, Number(random.weighted({ 1: 6, 2: 3, 3: 1 }))).map((s) => ({
        sku: s.sku,
        title: s.title,
        unitPrice: s.price,
        quantity: Number(random.weighted({ 1: 8, 2: 2 })),
      }));
      const subtotal = lines.reduce((sum, l) => sum + l.unitPrice * l.quantity, 0);
      orders.push({
        number: `DEMO-${stamp}-${String(i + 1).padStart(2, '0')}`,
        channel: random.weighted({ web: 55, app: 30, tmall: 15 }),
        placedAt: new Date(day.getTime() + minute * 60_000),
        currency: 'CNY',
        customer: { email: buyer.email, name: buyer.name },
        lines,
        shippingTotal: SHIPPING(subtotal),
        source: { demo: true },
      });
    });
  }
  return orders;
}

/** Loads the demo history in batches (one statement each); returns how many orders it added. */
export async function seedDemoHistory(db: Db, orders: readonly HistoricalOrder[]): Promise<number> {
  let added = 0;
  for (let i = 0; i < orders.length; i += 500)
    added += await importHistoricalOrders(db, orders.slice(i, i + 500));
  return added;
}
