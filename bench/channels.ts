/**
 * npm run bench:channels — stock changes to a sales channel's acknowledgement, on PostgreSQL: stock
 * levels change at a steady rate (single-row updates, as counts and orders make them), the trigger
 * writes stock.level_changed, the relay's consumer computes the channel's level, the pusher sends the
 * latest levels to a fake Shopify (Admin GraphQL inventorySetQuantities, Standard plan bucket: 1,000
 * points, 100/s) and the bench times each change from its commit until the shop holds a level at least
 * as new (and from when the load asked for it, which adds the load's own queue on a busy machine).
 *
 *   BENCH_SECONDS (default 10)  BENCH_RATE changes/s (default 1000)  BENCH_SKUS (default 500)
 *
 * Everything but PostgreSQL runs in this process (relay, consumer, pusher, fake shop, load).
 */
import { sql } from 'kysely';
import pg from 'pg';
import pino from 'pino';
import { buildServices } from '../src/app-services.js';
import { ShopifyInventory } from '../src/modules/channels/stock-push/shopify-inventory.js';
import { StockPusher } from '../src/modules/channels/stock-push/stock-pusher.js';
import { Brokers, Relay, registerConsumers } from '../src/modules/sync/index.js';
import { consumersOf, modules, orderHooksOf } from '../src/modules.js';
import { loadConfig } from '../src/platform/config.js';
import { connectDatabase } from '../src/platform/db/connect.js';
import { migrateToLatest } from '../src/platform/db/migrate.js';
import { newId } from '../src/platform/ids.js';
import { loadSyncConfig } from '../src/platform/sync-config.js';
import { startFakeShopifyAdmin } from '../test/helpers/fake-shopify-admin.js';
import { freshDatabase, percentile } from './lib/api.js';
import { cpuPer, cpuSnapshot, databaseBackendsCpu } from './lib/cpu.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const RATE = Number(process.env.BENCH_RATE ?? 1000);
const SKUS = Number(process.env.BENCH_SKUS ?? 500);

async function main() {
  const databaseUrl = await freshDatabase('ordersync_bench_channels');
  const handle = await connectDatabase({ databaseUrl, poolSize: 16 });
  const db = handle.db;
  await migrateToLatest(db, modules);
  const shop = await startFakeShopifyAdmin({ maximumAvailable: 1000, restoreRate: 100 });
  const warehouse = newId();
  await db
    .insertInto('warehouses')
    .values({ id: warehouse, code: 'BENCH-WH', name: 'Bench', country: 'US', region: 'WA' })
    .execute();
  const skus = Array.from({ length: SKUS }, (_, i) => `BENCH-${i}`);
  for (const sku of skus) shop.addSku(sku, 0);
  await db
    .insertInto('channels')
    .values({
      id: newId(),
      code: 'bench-shop',
      kind: 'shopify',
      name: 'Bench shop',
      api_url: shop.url,
      credentials_enc: null,
      webhook_secret_enc: null,
      warehouses: ['BENCH-WH'],
      currency: 'USD',
      stock_policy: JSON.stringify({ safetyStock: 0, buffer: { kind: 'absolute', value: 0 } }),
    })
    .execute();
  const config = { ...loadSyncConfig({}, []), relayPollIntervalMs: 20 };
  const log = pino({ level: 'silent' });
  const services = buildServices(
    {
      db,
      dbKind: handle.kind,
      config: { ...loadConfig({ LOG_LEVEL: 'silent' }), sync: config },
      log,
      redis: undefined,
      brokers: new Brokers(config, log),
    },
    (s) => orderHooksOf(modules, s),
  );
  const relay = new Relay(
    db,
    config,
    { consumer: await registerConsumers(db, consumersOf(modules, services)) },
    log,
  );
  relay.start();
  const pusher = new StockPusher(
    db,
    (c) => new ShopifyInventory({ apiUrl: c.api_url!, accessToken: shop.accessToken }),
    20,
  ).start();

  // Every SKU starts at 1 and is on the shop before the clock starts (the pusher learns its items).
  await sql`insert into stock_levels (sku, warehouse_id, on_hand) select s, ${warehouse}::uuid, 1 from unnest(${skus}::text[]) s`.execute(
    db,
  );
  while (!skus.every((s) => shop.available(s) === 1)) await new Promise((r) => setTimeout(r, 50));

  // Each change raises one SKU's on hand by one: the change "reached" the shop when the shop holds
  // that number or more.
  // Where a change waits: events not yet fanned out or delivered to the consumer (the relay), or
  // levels marked due and not yet acknowledged (the pusher). Sampled every 250 ms.
  const waiting = { relay: 0, pusher: 0 };
  const sampler = setInterval(() => {
    void Promise.all([
      sql<{ n: number }>`select (select count(*) from outbox_pending)::int
        + (select count(*) from deliveries where status = 'pending')::int as n`.execute(db),
      sql<{
        n: number;
      }>`select count(*)::int as n from channel_stock_levels where version > pushed_version`.execute(db),
    ]).then(([relayed, due]) => {
      waiting.relay = Math.max(waiting.relay, relayed.rows[0]!.n);
      waiting.pusher = Math.max(waiting.pusher, due.rows[0]!.n);
    });
  }, 250);
  // The load writes through a pool of its own, as the API's processes would: sharing the relay's
  // pool, a backlog of its updates queued ahead of every relay and pusher query (the changes' delay
  // was the write backlog, not the push).
  const load = await connectDatabase({ databaseUrl, poolSize: 8 });
  const onHand = new Map(skus.map((s) => [s, 1]));
  // A change is timed from its commit (the stock changed then); `asked` is when the load sent it,
  // which on a busy machine adds the load's own queue of updates to the delay.
  const changes: Array<{ sku: string; value: number; asked: number; at: number }> = [];
  // PostgreSQL's CPU as this database's backends alone (the machine's PostgreSQL serves others too).
  const monitor = new pg.Client({ connectionString: databaseUrl });
  await monitor.connect();
  const backends = databaseBackendsCpu(
    async (text, params) => (await monitor.query(text, params)).rows,
    new URL(databaseUrl).pathname.slice(1),
  );
  await backends.start();
  const backendSampler = setInterval(() => void backends.sample(), 250);
  const before = cpuSnapshot(process.pid);
  const started = Date.now();
  const total = SECONDS * RATE;
  let inFlight = 0;
  for (let n = 0; n < total; n++) {
    const due = started + (n / RATE) * 1000;
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    const sku = skus[Math.floor(Math.random() * SKUS)]!;
    const value = onHand.get(sku)! + 1;
    onHand.set(sku, value);
    inFlight++;
    const asked = Date.now();
    void sql`update stock_levels set on_hand = on_hand + 1 where sku = ${sku} and warehouse_id = ${warehouse}::uuid`
      .execute(load.db)
      .then(() => {
        changes.push({ sku, value, asked, at: Date.now() });
        inFlight--;
      });
  }
  while (inFlight > 0) await new Promise((r) => setTimeout(r, 10));
  const written = Date.now() - started;
  const deadline = Date.now() + 120_000;
  while (!skus.every((s) => shop.available(s) === onHand.get(s)) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 20));
  await backends.sample();
  const after = cpuSnapshot(process.pid);
  clearInterval(sampler);
  clearInterval(backendSampler);

  const delaysFrom = (from: 'at' | 'asked') =>
    changes
      .map((c) => {
        const h = shop.history.get(c.sku) ?? [];
        const i = h.findIndex((q) => q >= c.value);
        // At least 0: the shop may hold the level before the load's callback has run.
        return i < 0 ? Number.POSITIVE_INFINITY : Math.max(0, shop.historyAt.get(c.sku)![i]! - c[from]);
      })
      .sort((a, b) => a - b);
  const delays = delaysFrom('at');
  const asked = delaysFrom('asked');
  const backwards = skus.filter((s) =>
    (shop.history.get(s) ?? []).some((q, i, h) => i > 0 && q < h[i - 1]!),
  ).length;
  const wrong = skus.filter((s) => shop.available(s) !== onHand.get(s)).length;
  console.log(
    `bench:channels on PostgreSQL — ${changes.length} stock changes over ${SKUS} SKUs at ${RATE}/s, written in ${(written / 1000).toFixed(1)} s`,
  );
  console.log(
    `  change → shop acknowledgement: p50 ${percentile(delays, 0.5).toFixed(0)} ms, p99 ${percentile(delays, 0.99).toFixed(0)} ms, max ${delays.at(-1)!.toFixed(0)} ms` +
      ` (from the load's asking: p50 ${percentile(asked, 0.5).toFixed(0)} ms, p99 ${percentile(asked, 0.99).toFixed(0)} ms)`,
  );
  console.log(
    `  shop: ${shop.calls.setQuantities} inventorySetQuantities calls (${[...shop.history.values()].reduce((n, h) => n + h.length, 0)} levels set), ` +
      `${shop.calls.throttled} throttled, ${shop.calls.stale} stale; ${backwards} SKUs went backwards, ${wrong} SKUs wrong at the end`,
  );
  console.log(
    `  most waiting at once: ${waiting.relay} events in the relay (not yet fanned out or delivered), ` +
      `${waiting.pusher} SKU levels due at the pusher`,
  );
  console.log(
    `  ${cpuPer('change', before, after, changes.length).replace('server', 'this process (relay, consumer, pusher, fake shop, load)')}`,
  );
  console.log(
    `  CPU per change, finer: this database's PostgreSQL backends ${(backends.ms() / changes.length).toFixed(3)} ms`,
  );
  await monitor.end();
  await pusher.stop();
  await relay.stop();
  await shop.close();
  await load.close();
  await handle.close();
}

await main();
