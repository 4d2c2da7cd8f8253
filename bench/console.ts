/**
 * npm run bench:console — the admin console's order search, end to end in Debian's Chromium: 10,000
 * orders on embedded PGlite, a search typed and submitted, timed until its row shows. Prints the
 * median and worst of each kind of search, and the API's own answer time beside it.
 *
 *   BENCH_ORDERS (default 10000)  BENCH_ROUNDS (default 10)
 */
import { buildApp } from '../src/app.js';
import { type HistoricalOrder, importHistoricalOrders } from '../src/modules/orders/index.js';
import { modules } from '../src/modules.js';
import { createApiKey } from '../src/platform/auth/api-keys.js';
import { loadConfig } from '../src/platform/config.js';
import { connectDatabase } from '../src/platform/db/connect.js';
import { migrateToLatest } from '../src/platform/db/migrate.js';
import { launchChromium, signIn } from '../test/helpers/chromium.js';

const ORDERS = Number(process.env.BENCH_ORDERS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 10);

const handle = await connectDatabase({});
await migrateToLatest(handle.db, modules);
const history: HistoricalOrder[] = Array.from({ length: ORDERS }, (_, i) => ({
  number: `B-${String(i).padStart(6, '0')}`,
  channel: i % 3 ? 'web' : 'tmall',
  placedAt: new Date(Date.now() - (ORDERS - i) * 60_000),
  currency: 'CNY',
  customer: { email: `buyer${i}@example.com`, name: `Buyer ${i}` },
  lines: [{ sku: 'TEE-CLS-M-WHT', title: 'Classic tee', unitPrice: 9900, quantity: 1 }],
  shippingTotal: 0,
  source: { bench: true },
}));
const loading = Date.now();
for (let i = 0; i < history.length; i += 500)
  await importHistoricalOrders(handle.db, history.slice(i, i + 500));
console.log(`${ORDERS} orders loaded in ${((Date.now() - loading) / 1000).toFixed(1)} s`);

const app = await buildApp({
  db: handle.db,
  dbKind: handle.kind,
  config: loadConfig({ LOG_LEVEL: 'warn', PAYMENT_SANDBOX: 'false' }),
  logger: false,
});
const key = (await createApiKey(handle.db, { name: 'bench', role: 'admin' })).key;
const base = await app.listen({ port: 0, host: '127.0.0.1' });
const browser = await launchChromium();
const { page } = browser;
await signIn(page, base, key);
await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Orders' }).click();
await page.locator('tbody tr').first().waitFor();

const pick = (round: number) => (round * 7919) % ORDERS;
const kinds: { name: string; query: (i: number) => string }[] = [
  { name: 'order number', query: (i) => `B-${String(i).padStart(6, '0')}` },
  { name: 'e-mail', query: (i) => `buyer${i}@example.com` },
];
const stats = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return `median ${sorted[Math.floor(sorted.length / 2)]!.toFixed(0)} ms, worst ${sorted.at(-1)!.toFixed(0)} ms`;
};
for (const kind of kinds) {
  const browserMs: number[] = [];
  const apiMs: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const i = pick(round + 1);
    const number = `B-${String(i).padStart(6, '0')}`;
    await page.getByLabel('Search').fill(kind.query(i));
    const started = performance.now();
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByRole('link', { name: number, exact: true }).waitFor();
    browserMs.push(performance.now() - started);
    const asked = performance.now();
    const res = await fetch(`${base}/v1/orders?q=${encodeURIComponent(kind.query(i))}&limit=50`, {
      headers: { authorization: `Bearer ${key}` },
    });
    await res.json();
    apiMs.push(performance.now() - asked);
  }
  console.log(`search by ${kind.name}: in the browser ${stats(browserMs)}; the API alone ${stats(apiMs)}`);
}
await browser.close();
await app.close();
await handle.close();
