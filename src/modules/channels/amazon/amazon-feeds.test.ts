import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createProduct, createWarehouse, setStock } from '../../../../test/helpers/factories.js';
import { type FakeAmazon, startFakeAmazon } from '../../../../test/helpers/fake-amazon.js';
import { startRelay, testSyncConfig, uniq, waitFor, withSync } from '../../../../test/helpers/sync.js';
import { useTestApp } from '../../../../test/helpers/test-app.js';
import { consumersOf, modules } from '../../../modules.js';
import { type Relay, registerConsumers } from '../../sync/index.js';
import type { ChannelOrder } from '../channel-order.js';
import type { StockPolicy } from '../channels.tables.js';
import { receiveChannelOrder } from '../receive-channel-order.js';
import { AmazonFeeds, type AmazonFeedsOptions } from './amazon-feeds.js';
import type { SpLimits } from './sp-api-client.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../../test/fixtures/${name}`, import.meta.url), 'utf8'));

/**
 * Amazon's usage plans scaled for a test: createFeed keeps its shape (a small burst, slowly
 * restored: 2/s burst 5 is Amazon's 0.0083/s burst 15 run ~240 times faster and with a third of the
 * burst), the rest fast enough not to matter. The fake answers 429 past these, as Amazon does.
 */
const LIMITS: SpLimits = {
  getOrders: { rate: 50, burst: 50 },
  getOrderItems: { rate: 200, burst: 200 },
  confirmShipment: { rate: 50, burst: 50 },
  createFeedDocument: { rate: 50, burst: 50 },
  createFeed: { rate: 2, burst: 5 },
  getFeed: { rate: 100, burst: 100 },
  getFeedDocument: { rate: 50, burst: 20 },
};

describe('Amazon feeds: cancellations batched, reports read back, stock as a listings feed', () => {
  const t = useTestApp(withSync());
  let amazon: FakeAmazon;
  let relay: Relay;
  let skus: string[];
  /** A warehouse no stock changes in: the cancellation tests' channels sell from it (no stock feeds). */
  let quiet: string;
  const loops: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    amazon = await startFakeAmazon({ limits: LIMITS, processingMs: 30 });
    skus = (await createProduct(t(), [1000, 1000], 'USD')).map((i) => i.sku);
    const wh = (await createWarehouse(t())).code;
    for (const sku of skus) await setStock(t(), sku, wh, 10_000);
    quiet = (await createWarehouse(t())).code;
    relay = startRelay(t().db, testSyncConfig(), {
      consumer: await registerConsumers(t().db, consumersOf(modules, t().app.services)),
    });
  });
  afterEach(async () => {
    for (const stop of loops.splice(0)) await stop();
    amazon.messageError = undefined;
    amazon.fatalNext = 0;
  });
  afterAll(async () => {
    await relay?.stop();
    await amazon?.close();
  });

  /** The feed job, a round every 20 ms (the scheduler's tick, faster). */
  function runFeeds(options: AmazonFeedsOptions = {}) {
    const feeds = new AmazonFeeds(
      { db: t().db, config: t().config },
      { limits: LIMITS, checkEveryMs: 30, retryBaseMs: 100, gatherMs: 500, ...options },
    );
    let stopped = false;
    const loop = (async () => {
      while (!stopped) {
        // as the scheduler does: a failed round is logged, the next one runs
        await feeds.runOnce().catch((error) => console.error('feed round failed', error));
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    loops.push(async () => {
      stopped = true;
      await loop;
    });
  }

  async function amazonChannel(extra: Record<string, unknown> = {}) {
    const res = await t().request({
      method: 'POST',
      url: '/v1/channels',
      payload: {
        code: `amazon-${uniq()}`,
        kind: 'amazon',
        name: 'Amazon',
        currency: 'USD',
        apiUrl: amazon.url,
        credentials: {
          ...amazon.credentials,
          marketplaceId: amazon.marketplaceId,
          lwaTokenUrl: amazon.tokenUrl,
        },
        warehouses: [quiet],
        ...extra,
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; code: string };
  }

  /** Unshipped Amazon orders of two items each, on the fake and placed here. */
  async function amazonOrders(c: { id: string; code: string }, n: number) {
    const order = fixture('amazon-spapi-getOrders.sandbox-TEST_CASE_200.json').payload.Orders[0];
    const item = fixture('amazon-spapi-getOrderItems.sandbox-TEST_CASE_200.json').payload.OrderItems[0];
    const placed: Array<{ amazonId: string; orderId: string }> = [];
    for (let i = 0; i < n; i++) {
      const amazonId = `112-${String(Date.now()).slice(-7)}-${String(1_000_000 + placed.length + Math.floor(Math.random() * 8_000_000))}`;
      amazon.put({ ...order, AmazonOrderId: amazonId, OrderStatus: 'Unshipped' }, [
        { ...item, OrderItemId: `${amazonId}-1`, SellerSKU: skus[0]!, QuantityOrdered: 1 },
        { ...item, OrderItemId: `${amazonId}-2`, SellerSKU: skus[1]!, QuantityOrdered: 2 },
      ]);
      const channelOrder: ChannelOrder = {
        externalId: amazonId,
        updatedAt: new Date(Date.now() - 1000).toISOString(),
        status: 'open',
        paid: true,
        currency: 'USD',
        lines: skus.map((sku, k) => ({ channelSku: sku, title: sku, quantity: k + 1, unitPrice: 1000 })),
        shippingTotal: 0,
        discountTotal: 0,
        taxTotal: 0,
        grandTotal: 3000,
        customer: { email: 'buyer@example.com', name: 'A Buyer' },
        shippingAddress: { name: 'A Buyer', country: 'US', city: 'Seattle', line1: '1 Main St' },
      };
      const result = await receiveChannelOrder(
        { db: t().db, orderHooks: t().app.services.orderHooks },
        c,
        channelOrder,
      );
      expect(result.outcome).toBe('placed');
      placed.push({ amazonId, orderId: result.orderId! });
    }
    return placed;
  }

  async function cancelHere(orders: ReadonlyArray<{ orderId: string }>, channelId: string) {
    for (const o of orders) {
      const res = await t().request({ method: 'POST', url: `/v1/orders/${o.orderId}/cancel`, payload: {} });
      expect(res.statusCode, res.body).toBe(200);
    }
    // the relay's consumer records each as due, in its transaction; nothing is sent yet
    await waitFor(async () => (await cancellations(channelId)).length === orders.length, {
      message: 'every cancellation recorded due',
    });
  }

  const cancellations = (channelId: string) =>
    t().db.selectFrom('amazon_cancellations').selectAll().where('channel_id', '=', channelId).execute();
  const feedsOf = (c: { code: string }, feedType = 'POST_ORDER_ACKNOWLEDGEMENT_DATA') =>
    amazon.feeds.filter(
      (f) =>
        f.feedType === feedType &&
        (f.content.includes(`<MerchantIdentifier>${c.code}</MerchantIdentifier>`) ||
          f.content.includes(`"sellerId":"${c.code}"`)),
    );
  const timeline = async (orderId: string) => {
    const res = await t().request({ method: 'GET', url: `/v1/orders/${orderId}` });
    return (res.json().timeline as Array<{ kind: string; message: string }>).filter((e) =>
      e.kind.startsWith('channel.cancellation'),
    );
  };

  it('a batch of cancellations goes to Amazon as one feed, one message per order, each told once', async () => {
    const c = await amazonChannel();
    const orders = await amazonOrders(c, 12);
    await cancelHere(orders, c.id);
    expect(feedsOf(c)).toHaveLength(0);

    runFeeds();
    await waitFor(async () => (await cancellations(c.id)).every((x) => x.status === 'told'), {
      message: 'every cancellation told',
    });
    const feeds = feedsOf(c);
    expect(feeds).toHaveLength(1);
    expect(feeds[0]!.processingStatus).toBe('DONE');
    expect(feeds[0]!.errors).toEqual([]);
    expect(feeds[0]!.acknowledgements.map((a) => a.amazonOrderId).sort()).toEqual(
      orders.map((o) => o.amazonId).sort(),
    );
    expect(feeds[0]!.acknowledgements.map((a) => a.messageId)).toEqual(orders.map((_, i) => i + 1));
    for (const o of orders) {
      expect(amazon.order(o.amazonId)!.OrderStatus).toBe('Canceled');
      const ack = feeds[0]!.acknowledgements.find((a) => a.amazonOrderId === o.amazonId)!;
      expect(ack).toMatchObject({ merchantOrderId: o.orderId, statusCode: 'Failure' });
      expect(ack.items.map((i) => i.orderItemId)).toEqual([`${o.amazonId}-1`, `${o.amazonId}-2`]);
      expect(await timeline(o.orderId)).toEqual([
        expect.objectContaining({ kind: 'channel.cancellation_told' }),
      ]);
    }
    expect((await cancellations(c.id)).map((x) => x.attempts)).toEqual(orders.map(() => 1));
    expect(amazon.throttled).toEqual({});
  });

  it('an order Amazon refuses in the report fails alone: retried, then dead with Amazon’s reason; the rest are told', async () => {
    const c = await amazonChannel();
    const orders = await amazonOrders(c, 4);
    const refused = orders[2]!;
    const reason = 'The order cannot be cancelled in its current state.';
    amazon.messageError = (m) =>
      m.amazonOrderId === refused.amazonId ? { code: '18028', message: reason } : undefined;
    await cancelHere(orders, c.id);

    runFeeds({ maxAttempts: 2 });
    await waitFor(
      async () => {
        const rows = await cancellations(c.id);
        return rows.filter((x) => x.status === 'told').length === 3 && rows.some((x) => x.status === 'dead');
      },
      { message: 'three told, one dead' },
    );
    const row = (await cancellations(c.id)).find((x) => x.order_id === refused.orderId)!;
    expect(row).toMatchObject({ status: 'dead', attempts: 2 });
    expect(row.last_error).toContain(reason);
    expect(amazon.order(refused.amazonId)!.OrderStatus).toBe('Unshipped');
    // the first feed had all four, the second the refused one alone
    expect(feedsOf(c).map((f) => f.acknowledgements.length)).toEqual([4, 1]);
    for (const o of orders.filter((x) => x !== refused)) {
      expect(amazon.order(o.amazonId)!.OrderStatus).toBe('Canceled');
      expect(await timeline(o.orderId)).toEqual([
        expect.objectContaining({ kind: 'channel.cancellation_told' }),
      ]);
    }
    const entries = await timeline(refused.orderId);
    expect(entries.map((e) => e.kind)).toEqual(['channel.cancellation_failed', 'channel.cancellation_dead']);
    expect(entries[1]!.message).toContain(reason);
    const health = await t().request({ method: 'GET', url: `/v1/channels/${c.id}` });
    expect(health.json().health.errorsLastHour).toBeGreaterThanOrEqual(2);
    expect(health.json().health.amazonFeeds).toEqual({
      cancellationsWaiting: 0,
      cancellationsDead: 1,
      feedsInFlight: 0,
      skusRefused: 0,
    });
  });

  it('a FATAL feed is sent again whole; each order is cancelled once', async () => {
    const c = await amazonChannel();
    const orders = await amazonOrders(c, 3);
    await cancelHere(orders, c.id);
    amazon.fatalNext = 1;
    runFeeds();
    await waitFor(async () => (await cancellations(c.id)).every((x) => x.status === 'told'), {
      message: 'told after the FATAL feed',
    });
    const feeds = feedsOf(c);
    expect(feeds.map((f) => f.processingStatus)).toEqual(['FATAL', 'DONE']);
    expect(feeds[0]!.acknowledgements).toEqual([]);
    expect(feeds[1]!.acknowledgements.map((a) => a.amazonOrderId).sort()).toEqual(
      orders.map((o) => o.amazonId).sort(),
    );
    expect((await cancellations(c.id)).map((x) => x.attempts)).toEqual([2, 2, 2]);
    const failed = await t()
      .db.selectFrom('amazon_feeds')
      .select(['status', 'last_error'])
      .where('channel_id', '=', c.id)
      .orderBy('created_at')
      .execute();
    expect(failed[0]).toMatchObject({ status: 'fatal' });
    expect(failed[0]!.last_error).toContain('FATAL');
  });

  it('stock changes over many SKUs go as few listings feeds: every final level right, none backwards, 0 throttled', async () => {
    const SKUS = 40;
    const ROUNDS = 25;
    const wh = await createWarehouse(t());
    const prefix = `AZ-${uniq()}`;
    const ours = Array.from({ length: SKUS }, (_, i) => `${prefix}-${i}`);
    await sql`
      insert into stock_levels (sku, warehouse_id, on_hand)
      select s, ${wh.id}::uuid, 1 from unnest(${ours}::text[]) s
    `.execute(t().db);
    const policy: StockPolicy = { safetyStock: 1, buffer: { kind: 'absolute', value: 0 } };
    const c = await amazonChannel({ warehouses: [wh.code], stockPolicy: policy });
    // a tenth of the SKUs are listed on Amazon under another seller SKU (the channel's SKU map)
    const sellerSku = new Map(ours.map((s, i) => [s, i % 10 === 0 ? `AMZN-${s}` : s]));
    await t()
      .db.insertInto('channel_sku_map')
      .values(
        [...sellerSku]
          .filter(([s, m]) => s !== m)
          .map(([sku, m]) => ({ channel_id: c.id, channel_sku: m, sku })),
      )
      .execute();
    runFeeds();

    // Each round raises every SKU's on hand by one, 20 SKUs a statement: levels only rise, so a
    // level going backwards at Amazon would show as a decrease in its history.
    const onHand = new Map(ours.map((s) => [s, 1]));
    for (let r = 0; r < ROUNDS; r++) {
      for (let i = 0; i < SKUS; i += 20) {
        const batch = ours.slice(i, i + 20);
        for (const s of batch) onHand.set(s, onHand.get(s)! + 1);
        await sql`update stock_levels set on_hand = on_hand + 1 where warehouse_id = ${wh.id} and sku = any(${batch})`.execute(
          t().db,
        );
      }
      await new Promise((res) => setTimeout(res, 30));
    }
    const expected = (s: string) => onHand.get(s)! - policy.safetyStock;
    await waitFor(() => ours.every((s) => amazon.quantity(sellerSku.get(s)!) === expected(s)), {
      timeoutMs: 60_000,
      message: 'every final level at Amazon',
    }).catch(async (error) => {
      // say where it stood: a slow relay (levels still due) or a stuck feed (feeds open)
      const due = await t()
        .db.selectFrom('channel_stock_levels')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('channel_id', '=', c.id)
        .where(sql<boolean>`version > pushed_version`)
        .executeTakeFirstOrThrow();
      const open = await t()
        .db.selectFrom('amazon_feeds')
        .select(['status', 'processing_status', 'last_error'])
        .where('channel_id', '=', c.id)
        .where('status', 'in', ['submitting', 'submitted'])
        .execute();
      const wrong = ours.filter((s) => amazon.quantity(sellerSku.get(s)!) !== expected(s)).length;
      throw new Error(
        `${(error as Error).message}: ${wrong} SKUs wrong at Amazon, ${due.n} due, open feeds ${JSON.stringify(open)}, ` +
          `feeds ${feedsOf(c, 'JSON_LISTINGS_FEED').length}, throttled ${JSON.stringify(amazon.throttled)}`,
      );
    });
    const feeds = feedsOf(c, 'JSON_LISTINGS_FEED');
    const changes = SKUS * ROUNDS;
    const sent = ours.reduce((n, s) => n + (amazon.quantityHistory.get(sellerSku.get(s)!)?.length ?? 0), 0);
    const backwards = ours.filter((s) => {
      const h = amazon.quantityHistory.get(sellerSku.get(s)!)!;
      return h.some((q, i) => i > 0 && q < h[i - 1]!);
    });
    console.log(
      `Amazon stock: ${changes} changes over ${SKUS} SKUs → ${feeds.length} JSON_LISTINGS_FEED feeds, ` +
        `${sent} levels sent, throttled ${JSON.stringify(amazon.throttled)}, ${backwards.length} SKUs backwards`,
    );
    expect(backwards).toEqual([]);
    expect(amazon.throttled).toEqual({});
    expect(feeds.length).toBeLessThan(changes / 50);
    expect(sent).toBeLessThan(changes / 2);
    // what Amazon acknowledged is what OrderSync records, per SKU
    await waitFor(
      async () => {
        const rows = await t()
          .db.selectFrom('channel_stock_levels')
          .select(['sku', 'pushed_level'])
          .where('channel_id', '=', c.id)
          .where(sql<boolean>`version = pushed_version`)
          .execute();
        return rows.length === SKUS && rows.every((r) => r.pushed_level === expected(r.sku));
      },
      { message: 'acknowledged levels recorded' },
    );
    const status = await t().request({ method: 'GET', url: `/v1/channels/${c.id}/stock-push` });
    expect(status.json()).toMatchObject({ due: 0, lastError: null });
  });

  it('a SKU Amazon refuses is recorded with Amazon’s reason and tried again; the others are acknowledged', async () => {
    const wh = await createWarehouse(t());
    const prefix = `AZR-${uniq()}`;
    const ours = [`${prefix}-a`, `${prefix}-b`, `${prefix}-c`];
    const c = await amazonChannel({ warehouses: [wh.code] });
    const reason = "The SKU does not match any ASIN and can't be updated.";
    amazon.messageError = (m) => (m.sku === ours[1] ? { code: '8541', message: reason } : undefined);
    runFeeds({ maxAttempts: 3 });
    await sql`
      insert into stock_levels (sku, warehouse_id, on_hand)
      select s, ${wh.id}::uuid, 5 from unnest(${ours}::text[]) s
    `.execute(t().db);
    await waitFor(() => amazon.quantity(ours[0]!) === 5 && amazon.quantity(ours[2]!) === 5, {
      message: 'the others at Amazon',
    });
    const error = await waitFor(
      () =>
        t()
          .db.selectFrom('amazon_stock_errors')
          .selectAll()
          .where('channel_id', '=', c.id)
          .where('attempts', '>=', 3)
          .executeTakeFirst(),
      { message: 'the refused SKU given up after its tries' },
    );
    expect(error).toMatchObject({ sku: ours[1], retry_at: null });
    expect(error.last_error).toContain(reason);
    expect(amazon.quantity(ours[1]!)).toBeUndefined();
    const status = await t().request({ method: 'GET', url: `/v1/channels/${c.id}/stock-push` });
    expect(status.json().lastError).toContain(reason);
    expect(status.json().due).toBe(1);

    // Amazon takes it now: a new stock change (a new version) sends it again
    amazon.messageError = undefined;
    await sql`update stock_levels set on_hand = 8 where warehouse_id = ${wh.id} and sku = ${ours[1]!}`.execute(
      t().db,
    );
    await waitFor(() => amazon.quantity(ours[1]!) === 8, { message: 'the SKU at Amazon after the change' });
  });
});
