import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createWarehouse, orderBody, setStock, stockedSku } from '../../../../test/helpers/factories.js';
import { type FakeShopifyAdmin, startFakeShopifyAdmin } from '../../../../test/helpers/fake-shopify-admin.js';
import { startRelay, testSyncConfig, uniq, waitFor, withSync } from '../../../../test/helpers/sync.js';
import { type TestApp, useTestApp } from '../../../../test/helpers/test-app.js';
import { consumersOf, modules } from '../../../modules.js';
import { newId } from '../../../platform/ids.js';
import { type Relay, registerConsumers } from '../../sync/index.js';
import type { StockPolicy } from '../channels.tables.js';
import { channelSellable } from './channel-sellable.js';
import { stockTargets } from './stock-push-runtime.js';
import { StockPusher } from './stock-pusher.js';

const onPostgres = process.env.TEST_DB === 'postgres';

async function shopifyChannel(
  t: TestApp,
  fake: FakeShopifyAdmin,
  warehouses: string[],
  stockPolicy: StockPolicy,
) {
  const res = await t.request({
    method: 'POST',
    url: '/v1/channels',
    payload: {
      code: `shop-${uniq()}`,
      kind: 'shopify',
      name: 'Shop',
      apiUrl: fake.url,
      credentials: { accessToken: fake.accessToken },
      currency: 'USD',
      warehouses,
      stockPolicy,
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}

describe('stock to the channels', () => {
  const t = useTestApp(withSync());
  const running: Array<{ stop(): Promise<void> }> = [];
  afterEach(async () => {
    for (const r of running.splice(0).reverse()) await r.stop();
  });

  async function start(fake: FakeShopifyAdmin) {
    const relay: Relay = startRelay(t().db, testSyncConfig(), {
      consumer: await registerConsumers(t().db, consumersOf(modules, t().app.services)),
    });
    const pusher = new StockPusher(t().db, stockTargets(t()), 20).start();
    running.push({ stop: () => fake.close() }, relay, pusher);
  }

  it('sends each channel its sellable quantity by its policy, follows orders, and corrects a stale compare', async () => {
    const fake = await startFakeShopifyAdmin();
    const item = await stockedSku(t(), 0);
    const policy: StockPolicy = { safetyStock: 2, buffer: { kind: 'percent', value: 10 } };
    await shopifyChannel(t(), fake, [item.warehouse], policy);
    fake.addSku(item.sku, 7);
    await start(fake);

    await setStock(t(), item.sku, item.warehouse, 100);
    await waitFor(() => fake.available(item.sku) === channelSellable(100, policy), { message: 'level 88' });
    expect(fake.available(item.sku)).toBe(88);

    const placed = await t().request({
      method: 'POST',
      url: '/v1/orders',
      payload: orderBody([{ sku: item.sku, quantity: 30 }]),
    });
    expect(placed.statusCode, placed.body).toBe(201);
    await waitFor(() => fake.available(item.sku) === channelSellable(70, policy), {
      message: 'level after order',
    });

    // A sale on the shop itself: our compareQuantity is stale, nothing is set, the pusher reads the
    // shop's quantity and sets ours over it on the next round.
    fake.sell(item.sku, 5);
    await setStock(t(), item.sku, item.warehouse, 80);
    await waitFor(() => fake.available(item.sku) === channelSellable(50, policy), {
      message: 'level after stale',
    });
    expect(fake.calls.stale).toBeGreaterThan(0);
    expect(fake.calls.throttled).toBe(0);
    expect(fake.history.get(item.sku)).toEqual([88, 61, 43]);
  });

  it('shows support what waits for a push and what each SKU was last pushed; other roles are refused', async () => {
    const fake = await startFakeShopifyAdmin();
    const item = await stockedSku(t(), 0);
    const policy: StockPolicy = { safetyStock: 2, buffer: { kind: 'percent', value: 10 } };
    const channelId = await shopifyChannel(t(), fake, [item.warehouse], policy);
    fake.addSku(item.sku, 7);
    const support = await t().keyFor('support');
    const status = async () => {
      const res = await t().request({
        method: 'GET',
        url: `/v1/channels/${channelId}/stock-push`,
        key: support,
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    };
    expect(await status()).toMatchObject({ pushedTotal: 0, due: 0, lastPushedAt: null, skus: { data: [] } });

    // The change is recorded by the relay's consumer; no pusher runs yet, so it waits.
    const relay: Relay = startRelay(t().db, testSyncConfig(), {
      consumer: await registerConsumers(t().db, consumersOf(modules, t().app.services)),
    });
    running.push({ stop: () => fake.close() }, relay);
    await setStock(t(), item.sku, item.warehouse, 100);
    await waitFor(async () => (await status()).due === 1, { message: 'the SKU due' });
    expect((await status()).skus.data).toEqual([
      expect.objectContaining({ sku: item.sku, pushedLevel: null, pushedAt: null, due: true }),
    ]);

    running.push(new StockPusher(t().db, stockTargets(t()), 20).start());
    await waitFor(async () => (await status()).due === 0, { message: 'the SKU pushed' });
    const pushed = await status();
    expect(pushed).toMatchObject({ pushedTotal: 1, throttledTotal: 0, lastError: null, due: 0 });
    expect(pushed.skus.data).toEqual([
      expect.objectContaining({ sku: item.sku, pushedLevel: fake.available(item.sku), due: false }),
    ]);
    expect(pushed.skus.data[0].pushedLevel).toBe(88);

    const warehouse = await t().keyFor('warehouse');
    const refused = await t().request({
      method: 'GET',
      url: `/v1/channels/${channelId}/stock-push`,
      key: warehouse,
    });
    expect(refused.statusCode).toBe(403);
    const unknown = await t().request({ method: 'GET', url: `/v1/channels/${newId()}/stock-push` });
    expect(unknown.statusCode).toBe(404);
  });

  it(onPostgres
    ? '10,000 stock changes over 500 SKUs, written as fast as PostgreSQL takes them, reach the shop: 0 throttled, every level right, none backwards'
    : '400 stock changes over 50 SKUs reach the shop: 0 throttled, every level right, none backwards', async () => {
    // How fast is bench:channels' business (a timed test on a shared machine would only be flaky).
    const SKUS = onPostgres ? 500 : 50;
    const CHANGES = onPostgres ? 10_000 : 400;
    // A Standard plan shop: 1,000 points, 100 restored a second.
    const fake = await startFakeShopifyAdmin({ maximumAvailable: 1000, restoreRate: 100 });
    const wh = await createWarehouse(t());
    const prefix = `SP-${uniq()}`;
    const skus = Array.from({ length: SKUS }, (_, i) => `${prefix}-${i}`);
    await sql`
      insert into stock_levels (sku, warehouse_id, on_hand)
      select s, ${wh.id}::uuid, 1 from unnest(${skus}::text[]) s
    `.execute(t().db);
    for (const sku of skus) fake.addSku(sku, 0);
    const policy: StockPolicy = { safetyStock: 0, buffer: { kind: 'absolute', value: 0 } };
    await shopifyChannel(t(), fake, [wh.code], policy);
    await start(fake);
    await waitFor(() => skus.every((s) => fake.available(s) === 1), {
      timeoutMs: 60_000,
      message: 'initial levels',
    });

    // Each change raises one SKU's on hand by one, 20 SKUs' in a statement (the trigger makes 20 events): every SKU's true
    // level only rises, so a level going backwards at the shop would show as a decrease.
    const onHand = new Map(skus.map((s) => [s, 1]));
    const started = Date.now();
    const perTx = 20;
    const txs = Array.from({ length: CHANGES / perTx }, (_, n) =>
      Array.from({ length: perTx }, (_, i) => skus[(n * perTx + i) % SKUS]!),
    );
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < txs.length) {
          const batch = txs[next++]!;
          for (const s of batch) onHand.set(s, onHand.get(s)! + 1);
          await sql`update stock_levels set on_hand = on_hand + 1 where warehouse_id = ${wh.id} and sku = any(${batch})`.execute(
            t().db,
          );
        }
      }),
    );
    const written = Date.now() - started;
    await waitFor(() => skus.every((s) => fake.available(s) === onHand.get(s)), {
      timeoutMs: 60_000,
      message: 'every final level at the shop',
    });
    const reached = Date.now() - started;
    const backwards = skus.filter((s) => {
      const h = fake.history.get(s)!;
      return h.some((q, i) => i > 0 && q < h[i - 1]!);
    });
    console.log(
      `stock push: ${CHANGES} changes over ${SKUS} SKUs written in ${written} ms, all at the shop after ${reached} ms; ` +
        `${fake.calls.setQuantities} inventorySetQuantities calls, ${fake.calls.throttled} throttled, ${backwards.length} SKUs backwards`,
    );
    expect(fake.calls.throttled).toBe(0);
    expect(backwards).toEqual([]);
    // Coalesced: far fewer levels were sent than changes were made.
    const sent = [...fake.history.values()].reduce((n, h) => n + h.length, 0);
    expect(sent).toBeLessThan(CHANGES);
  }, 180_000);
});
