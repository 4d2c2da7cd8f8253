import { resolveSkus, type SkuInfo } from '../modules/catalog/index.js';
import { availableBySku } from '../modules/inventory/index.js';
import type { Conn } from '../platform/db/database.js';
import { SeededRandom } from '../platform/seeded-random.js';
import { type DemoSku, demoHistory, seedDemoHistory } from './demo-history.js';
import { type DemoOrderServices, placeDemoOrders } from './demo-orders.js';

/** Weeks of history: eight, enough for the two-week forecast and its weekly rhythm. */
const HISTORY_DAYS = 56;
/** SKUs a demo order takes from: those with this much stock, so the low-stock alerts stay the stock's own. */
const MIN_AVAILABLE = 20;

export interface DemoOrders {
  /** Orders of the weeks before, finished. */
  history: number;
  /** Orders placed today, at every step of the life cycle. */
  today: number;
}

/** The SKUs demo orders take from: on sale and well stocked, in SKU order (so the same on every run). */
export async function demoSkus(db: Conn, skus: readonly string[]): Promise<DemoSku[]> {
  const [catalog, available] = await Promise.all([resolveSkus(db, skus), availableBySku(db, skus)]);
  return [...catalog.values()]
    .filter((s: SkuInfo) => s.sellable && (available.get(s.sku) ?? 0) >= MIN_AVAILABLE)
    .sort((a, b) => a.sku.localeCompare(b.sku))
    .map((s) => ({ sku: s.sku, title: s.title, price: s.price }));
}

/**
 * The demo catalog's orders for a new database (npm start's first run): weeks of finished history,
 * then today's orders through the life cycle. Deterministic but for the dates, which follow `now`.
 * Needs the sandbox payment provider (the embedded default) to pay today's orders.
 */
export async function seedDemoOrders(
  services: DemoOrderServices,
  skus: readonly string[],
  now = new Date(),
): Promise<DemoOrders> {
  const random = new SeededRandom(20261210);
  const sellable = await demoSkus(services.db, skus);
  const history = await seedDemoHistory(services.db, demoHistory(sellable, now, random, HISTORY_DAYS));
  const today = await placeDemoOrders(services, sellable, random);
  return { history, today };
}
