import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { createWarehouse, orderBody, setStock, stockedSku } from '../../../../test/helpers/factories.js';
import { FakeShopApi } from '../../../../test/helpers/fake-shop-apis.js';
import { type FakeShopifyAdmin, startFakeShopifyAdmin } from '../../../../test/helpers/fake-shopify-admin.js';
import { startRelay, testSyncConfig, uniq, waitFor, withSync } from '../../../../test/helpers/sync.js';
import { type TestApp, useTestApp } from '../../../../test/helpers/test-app.js';
import { consumersOf, modules } from '../../../modules.js';
import { newId } from '../../../platform/ids.js';
import { type Relay, registerConsumers } from '../../sync/index.js';
import { upsertSkuMap } from '../channels.repository.js';
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

  async function start(fake: FakeShopifyAdmin | FakeShopApi) {
    const relay: Relay = startRelay(t().db, testSyncConfig(), {
      consumer: await registerConsumers(t().db, consumersOf(modules, t().app.services)),
    });
    const pusher = new StockPusher(t().db, stockTargets(t()), 20).start();
    running.push(...('close' in fake ? [{ stop: () => fake.close() }] : []), relay, pusher);
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

  /** `count` SKUs at 1 unit each in a fresh warehouse. */
  async function skusAtOne(count: number) {
    const wh = await createWarehouse(t());
    const prefix = `SP-${uniq()}`;
    const skus = Array.from({ length: count }, (_, i) => `${prefix}-${i}`);
    await sql`
      insert into stock_levels (sku, warehouse_id, on_hand)
      select s, ${wh.id}::uuid, 1 from unnest(${skus}::text[]) s
    `.execute(t().db);
    return { wh, skus };
  }

  /**
   * `changes` stock changes, each raising one SKU's on hand by one, 20 SKUs' in a statement (the
   * trigger makes 20 events), four writers at once, as fast as the database takes them: every SKU's
   * true level only rises, so a level going backwards at the channel would show as a decrease.
   */
  async function raiseStock(warehouseId: string, skus: readonly string[], changes: number) {
    const onHand = new Map(skus.map((s) => [s, 1]));
    const started = Date.now();
    const perTx = 20;
    const txs = Array.from({ length: changes / perTx }, (_, n) =>
      Array.from({ length: perTx }, (_, i) => skus[(n * perTx + i) % skus.length]!),
    );
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < txs.length) {
          const batch = txs[next++]!;
          for (const s of batch) onHand.set(s, onHand.get(s)! + 1);
          await sql`update stock_levels set on_hand = on_hand + 1 where warehouse_id = ${warehouseId} and sku = any(${batch})`.execute(
            t().db,
          );
        }
      }),
    );
    return { onHand, started, written: Date.now() - started };
  }

  const backwards = (histories: Iterable<number[]>) =>
    [...histories].filter((h) => h.some((q, i) => i > 0 && q < h[i - 1]!)).length;

  // How fast is bench:channels' business (a timed test on a shared machine would only be flaky).
  const SKUS = onPostgres ? 500 : 50;
  const CHANGES = onPostgres ? 10_000 : 400;

  it(`${CHANGES} stock changes over ${SKUS} SKUs${onPostgres ? ', written as fast as PostgreSQL takes them,' : ''} reach the shop: 0 throttled, every level right, none backwards`, async () => {
    // A Standard plan shop: 1,000 points, 100 restored a second.
    const fake = await startFakeShopifyAdmin({ maximumAvailable: 1000, restoreRate: 100 });
    const { wh, skus } = await skusAtOne(SKUS);
    for (const sku of skus) fake.addSku(sku, 0);
    const policy: StockPolicy = { safetyStock: 0, buffer: { kind: 'absolute', value: 0 } };
    await shopifyChannel(t(), fake, [wh.code], policy);
    await start(fake);
    await waitFor(() => skus.every((s) => fake.available(s) === 1), {
      timeoutMs: 60_000,
      message: 'initial levels',
    });

    const { onHand, started, written } = await raiseStock(wh.id, skus, CHANGES);
    await waitFor(() => skus.every((s) => fake.available(s) === onHand.get(s)), {
      timeoutMs: 60_000,
      message: 'every final level at the shop',
    });
    const reached = Date.now() - started;
    const wentBack = backwards(fake.history.values());
    console.log(
      `stock push: ${CHANGES} changes over ${SKUS} SKUs written in ${written} ms, all at the shop after ${reached} ms; ` +
        `${fake.calls.setQuantities} inventorySetQuantities calls, ${fake.calls.throttled} throttled, ${wentBack} SKUs backwards`,
    );
    expect(fake.calls.throttled).toBe(0);
    expect(wentBack).toBe(0);
    // Coalesced: far fewer levels were sent than changes were made.
    const sent = [...fake.history.values()].reduce((n, h) => n + h.length, 0);
    expect(sent).toBeLessThan(CHANGES);
  }, 180_000);

  it(`${CHANGES} stock changes over ${SKUS} SKUs reach a WooCommerce site in batches, products and variations, by SKU and by SKU map: 0 throttled under the host's limit, every level right, none backwards`, async () => {
    // A host that allows 20 requests a second; the channel is set to 16.
    const fake = await new FakeShopApi('woocommerce', 'ck_stock:cs_stock').start();
    running.push({ stop: () => fake.stop() });
    fake.limitRate(20, 20);
    // Two SKUs of ours the site does not sell, besides.
    const { wh, skus: all } = await skusAtOne(SKUS + 2);
    const skus = all.slice(0, SKUS);
    const unsold = all.slice(SKUS);
    // The site's items: a tenth variations of two variable products (found by SKU), a tenth simple
    // products under SKUs of the site's own (mapped by channel SKU), five variations mapped by
    // their id (as WooCommerce order lines carry it), the rest simple products under our SKUs.
    const tenth = SKUS / 10;
    const half = Math.floor(tenth / 2);
    fake.addVariable(`${skus[0]}-A`, skus.slice(0, half));
    fake.addVariable(`${skus[0]}-B`, skus.slice(half, tenth));
    const theirs = skus.slice(tenth, 2 * tenth).map((s) => ({ channelSku: `SITE-${s}`, sku: s }));
    for (const m of theirs) fake.addProduct(m.channelSku);
    const byId = fake.addVariable(
      `${skus[0]}-C`,
      skus.slice(2 * tenth, 2 * tenth + 5).map((s) => `SITE-${s}`),
    );
    for (const s of skus.slice(2 * tenth + 5)) fake.addProduct(s);

    const policy: StockPolicy = {
      safetyStock: 0,
      buffer: { kind: 'absolute', value: 0 },
      requestsPerSecond: 16,
    };
    const channelId = await wooChannel(t(), fake, [wh.code], policy);
    // As PUT /v1/channels/{id}/sku-map maps them (these SKUs are stock only, not in the catalog).
    await upsertSkuMap(t().db, channelId, [
      ...theirs,
      ...byId.variations.map((id, i) => ({ channelSku: String(id), sku: skus[2 * tenth + i]! })),
    ]);
    await start(fake);
    await waitFor(() => skus.every((s) => stockAtWoo(fake, s) === 1), {
      timeoutMs: 60_000,
      message: 'initial levels',
    });

    const { onHand, started, written } = await raiseStock(wh.id, skus, CHANGES);
    await waitFor(() => skus.every((s) => stockAtWoo(fake, s) === onHand.get(s)), {
      timeoutMs: 60_000,
      message: 'every final level at the site',
    });
    const reached = Date.now() - started;
    const wentBack = backwards(fake.stockHistory.values());
    const sent = [...fake.stockHistory.values()].reduce((n, h) => n + h.length, 0);
    console.log(
      `stock push (WooCommerce): ${CHANGES} changes over ${SKUS} SKUs written in ${written} ms, all at the site after ${reached} ms; ` +
        `${fake.stockCalls.batches} batch requests, ${sent} items set, ${fake.stockCalls.lookups} look-ups, ${fake.stockCalls.throttled} throttled, ${wentBack} SKUs backwards`,
    );
    expect(fake.stockCalls.throttled).toBe(0);
    expect(wentBack).toBe(0);
    expect(sent).toBeLessThan(CHANGES);
    // The relay may still hand over changes whose stock the site already has: their versions settle.
    const status = async () => {
      const res = await t().request({
        method: 'GET',
        url: `/v1/channels/${channelId}/stock-push?limit=1000`,
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.json();
    };
    await waitFor(async () => (await status()).due === 0, { message: 'nothing due' });
    const body = await status();
    expect(body).toMatchObject({
      throttledTotal: 0,
      failedTotal: 0,
      due: 0,
      notOnChannel: 2,
      lastError: null,
    });
    expect(
      body.skus.data.filter((r: { onChannel: boolean }) => !r.onChannel).map((r: { sku: string }) => r.sku),
    ).toEqual([...unsold].sort());
  }, 180_000);

  it('waits out a WooCommerce 429 for its Retry-After and a 5xx with a backoff, then sets the level', async () => {
    const fake = await new FakeShopApi('woocommerce', 'ck_stock:cs_stock').start();
    running.push({ stop: () => fake.stop() });
    const item = await stockedSku(t(), 0);
    fake.addProduct(item.sku, 0);
    const channelId = await wooChannel(t(), fake, [item.warehouse], {
      safetyStock: 0,
      buffer: { kind: 'absolute', value: 0 },
    });
    await start(fake);
    await setStock(t(), item.sku, item.warehouse, 12);
    await waitFor(() => fake.stockOf(item.sku) === 12, { message: 'first level' });

    fake.retryAfter = '1';
    fake.failNext.push(429, 503);
    const asked = fake.log.length;
    await setStock(t(), item.sku, item.warehouse, 9);
    await waitFor(() => fake.stockOf(item.sku) === 9, { message: 'level after the 429', timeoutMs: 15_000 });
    const calls = fake.log.slice(asked);
    expect(calls.map((c) => c.failed)).toEqual([429, 503, 0]);
    // Retry-After: 1 second; nothing was sent to the site meanwhile.
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(990);
    expect(fake.stockHistory.get([...fake.products.keys()][0]!)).toEqual([12, 9]);
    // The site answered before the pusher records its answer.
    const status = async () =>
      (await t().request({ method: 'GET', url: `/v1/channels/${channelId}/stock-push` })).json();
    await waitFor(async () => (await status()).pushedTotal === 2, { message: 'the answer recorded' });
    expect(await status()).toMatchObject({ throttledTotal: 1, due: 0, pushedTotal: 2 });
  }, 60_000);

  it('keeps a SKU WooCommerce refused due and shows why, sets the others of the batch, and treats a deleted item as not sold', async () => {
    const fake = await new FakeShopApi('woocommerce', 'ck_stock:cs_stock').start();
    running.push({ stop: () => fake.stop() });
    const { wh, skus } = await skusAtOne(3);
    const [ok, refused, deleted] = skus as [string, string, string];
    const refusedId = fake.addProduct(refused, 0);
    fake.addProduct(ok, 0);
    const deletedId = fake.addProduct(deleted, 0);
    const channelId = await wooChannel(t(), fake, [wh.code], {
      safetyStock: 0,
      buffer: { kind: 'absolute', value: 0 },
    });
    const status = async () =>
      (await t().request({ method: 'GET', url: `/v1/channels/${channelId}/stock-push` })).json();
    fake.refuseItems.set(refusedId, {
      code: 'woocommerce_rest_cannot_edit',
      message: 'Sorry, you are not allowed to edit this resource.',
    });
    await start(fake);
    await waitFor(() => fake.stockOf(ok) === 1 && fake.stockOf(deleted) === 1, { message: 'first levels' });
    await waitFor(
      async () => {
        const s = await status();
        return s.failedTotal > 0 && s.due === 1;
      },
      { message: 'the refusal recorded, the others acknowledged' },
    );
    const refusedStatus = await status();
    expect(refusedStatus.lastError).toContain(refused);
    expect(refusedStatus.lastError).toContain('woocommerce_rest_cannot_edit');
    expect(refusedStatus.due).toBe(1);
    expect(fake.stockOf(refused)).toBe(0);

    // Deleted on the site: the next level meets woocommerce_rest_product_invalid_id; not sold there.
    fake.products.get(deletedId)!.deleted = true;
    await sql`update stock_levels set on_hand = 5 where warehouse_id = ${wh.id} and sku = ${deleted}`.execute(
      t().db,
    );
    await waitFor(async () => (await status()).notOnChannel === 1, { message: 'the deleted item settled' });
    const rows = (await status()).skus.data as Array<{
      sku: string;
      onChannel: boolean;
      pushedLevel: number | null;
    }>;
    expect(rows.find((r) => r.sku === deleted)).toMatchObject({ onChannel: false, pushedLevel: 1 });
    expect(rows.find((r) => r.sku === ok)).toMatchObject({ onChannel: true, pushedLevel: 1 });

    // Allowed again: the refused SKU goes out after its rest.
    fake.refuseItems.clear();
    await waitFor(() => fake.stockOf(refused) === 1, { message: 'the refused SKU set', timeoutMs: 15_000 });
    await waitFor(async () => (await status()).due === 0, { message: 'nothing due' });
  }, 60_000);
});

/** The stock the site holds for our SKU: its item by SKU, or by what the SKU map names (SITE-…). */
function stockAtWoo(fake: FakeShopApi, sku: string) {
  return fake.stockOf(sku) ?? fake.stockOf(`SITE-${sku}`);
}

async function wooChannel(t: TestApp, fake: FakeShopApi, warehouses: string[], stockPolicy: StockPolicy) {
  const [consumerKey, consumerSecret] = fake.credential.split(':');
  const res = await t.request({
    method: 'POST',
    url: '/v1/channels',
    payload: {
      code: `woo-${uniq()}`,
      kind: 'woocommerce',
      name: 'Woo',
      apiUrl: fake.url,
      credentials: { consumerKey, consumerSecret },
      currency: 'USD',
      warehouses,
      stockPolicy,
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json().id as string;
}
