import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProduct, createWarehouse, setStock } from '../../../../test/helpers/factories.js';
import { type FakeAmazon, startFakeAmazon } from '../../../../test/helpers/fake-amazon.js';
import { FakeShopApi } from '../../../../test/helpers/fake-shop-apis.js';
import { ship } from '../../../../test/helpers/lifecycle.js';
import { startRelay, testSyncConfig, waitFor, withSync } from '../../../../test/helpers/sync.js';
import { useTestApp } from '../../../../test/helpers/test-app.js';
import { consumersOf } from '../../../modules.js';
import { inTransaction } from '../../../platform/db/transaction.js';
import { type Relay, registerConsumers } from '../../sync/index.js';
import { AmazonFeeds, type AmazonFeedsOptions } from '../amazon/amazon-feeds.js';
import { packageReferenceIdOf } from '../amazon/confirm-shipment.js';
import type { SpLimits } from '../amazon/sp-api-client.js';
import { ChannelClients } from '../channel-clients.js';
import type { ChannelOrder } from '../channel-order.js';
import { channelsModule } from '../index.js';
import { receiveChannelOrder } from '../receive-channel-order.js';
import { wooShipmentMetaKey } from '../woocommerce/woo-order-status.js';
import { tellChannels } from './tell-channels.js';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../../test/fixtures/${name}`, import.meta.url), 'utf8'));
/**
 * createFeed scaled for the test (Amazon: 0.0083/s burst 15), the fake and the feed job alike: every
 * Amazon channel here is one seller on the fake, and stock feeds of them all share its quota.
 */
const FEED_LIMITS: SpLimits = { createFeed: { rate: 2, burst: 15 } };
const tracking = () => `SF${randomInt(10 ** 12, 10 ** 13 - 1)}`;

describe('shipments and cancellations told to the channel the order came from', () => {
  const t = useTestApp(withSync());
  const shopify = new FakeShopApi('shopify', 'shpat_outbound');
  const woo = new FakeShopApi('woocommerce', 'ck_o:cs_o');
  let amazon: FakeAmazon;
  let relay: Relay;
  let skus: string[];
  let warehouse: string;
  let nextId = 7000;

  beforeAll(async () => {
    await shopify.start();
    await woo.start();
    amazon = await startFakeAmazon({ limits: FEED_LIMITS });
    skus = (await createProduct(t(), [1000, 1000], 'USD')).map((i) => i.sku);
    warehouse = (await createWarehouse(t())).code;
    for (const sku of skus) await setStock(t(), sku, warehouse, 1000);
    relay = startRelay(t().db, testSyncConfig(), {
      consumer: await registerConsumers(t().db, consumersOf([channelsModule], t().app.services)),
    });
  });
  afterAll(async () => {
    await relay?.stop();
    await shopify.stop();
    await woo.stop();
    await amazon?.close();
  });

  const channel = async (kind: 'shopify' | 'woocommerce' | 'amazon') => {
    const apiUrl = { shopify: shopify.url, woocommerce: woo.url, amazon: amazon.url }[kind];
    const credentials = {
      shopify: { accessToken: 'shpat_outbound' },
      woocommerce: { consumerKey: 'ck_o', consumerSecret: 'cs_o' },
      amazon: { ...amazon.credentials, marketplaceId: amazon.marketplaceId, lwaTokenUrl: amazon.tokenUrl },
    }[kind];
    const res = await t().request({
      method: 'POST',
      url: '/v1/channels',
      payload: { code: `${kind}-${nextId++}`, kind, name: kind, currency: 'USD', apiUrl, credentials },
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; code: string };
  };

  /** A paid Shopify order of both SKUs, on the fake shop and placed here through the reconciliation's intake. */
  async function shopifyOrder() {
    const c = await channel('shopify');
    const base = fixture('shopify-order-rest.json').order;
    const id = nextId++;
    const order = {
      ...base,
      id,
      financial_status: 'paid',
      updated_at: new Date().toISOString(),
      line_items: skus.map((sku, i) => ({
        ...base.line_items[i],
        sku,
        variant_id: 100 + i,
        price: '10.00',
        quantity: 2,
      })),
    };
    shopify.orders.set(String(id), order);
    return {
      channel: c,
      id: String(id),
      orderId: await place(
        c,
        orderOf(String(id), [
          { sku: skus[0]!, variantId: '100', quantity: 2 },
          { sku: skus[1]!, variantId: '101', quantity: 2 },
        ]),
      ),
    };
  }

  function orderOf(
    externalId: string,
    lines: Array<{ sku: string; variantId?: string; quantity: number }>,
  ): ChannelOrder {
    const total = lines.reduce((s, l) => s + l.quantity * 1000, 0);
    return {
      externalId,
      updatedAt: new Date(Date.now() - 1000).toISOString(),
      status: 'open',
      paid: true,
      currency: 'USD',
      lines: lines.map((l) => ({
        channelSku: l.sku,
        ...(l.variantId ? { variantId: l.variantId } : {}),
        title: l.sku,
        quantity: l.quantity,
        unitPrice: 1000,
      })),
      shippingTotal: 0,
      discountTotal: 0,
      taxTotal: 0,
      grandTotal: total,
      customer: { email: 'buyer@example.com', name: 'A Buyer' },
      shippingAddress: { name: 'A Buyer', country: 'US', city: 'Ottawa', line1: '1 Main St' },
    };
  }

  async function place(c: { id: string; code: string }, order: ChannelOrder): Promise<string> {
    const result = await receiveChannelOrder(
      { db: t().db, orderHooks: t().app.services.orderHooks },
      c,
      order,
    );
    expect(result.outcome).toBe('placed');
    return result.orderId!;
  }

  it('Shopify: a fulfillment with the tracking on the right fulfillment-order lines, once, also when told again', async () => {
    const o = await shopifyOrder();
    const number = tracking();
    await ship(t(), o.orderId, warehouse, 'sf', number);
    const made = await waitFor(() => shopify.fulfillments.get(o.id)?.[0], { message: 'the fulfillment' });
    expect(made).toMatchObject({ tracking_number: number, tracking_company: 'SF Express' });
    const lineIds = (shopify.order(o.id)!.line_items as Array<{ id: number }>).map((l) => l.id);
    expect(made.line_items).toEqual(lineIds.slice(0, 2).map((id) => ({ id, quantity: 2 })));
    expect(shopify.order(o.id)!.fulfillment_status).toBe('fulfilled');

    // The same event handled again (a relay that died after the call, before its commit): no second one.
    const event = await t()
      .db.selectFrom('outbox')
      .selectAll()
      .where('subject', '=', o.orderId)
      .where('type', '=', 'com.ordersync.shipment.shipped')
      .executeTakeFirstOrThrow();
    await inTransaction(t().db, (trx) =>
      tellChannels(ChannelClients.of(t().config)).handle(
        {
          id: event.id,
          source: 'test',
          type: 'shipment.shipped',
          subject: o.orderId,
          sequence: 1,
          time: new Date(),
          data: typeof event.data === 'string' ? JSON.parse(event.data) : event.data,
        },
        trx,
      ),
    );
    expect(shopify.fulfillments.get(o.id)).toHaveLength(1);
  });

  it('Shopify: a cancellation made here cancels there; one the channel made is not sent back', async () => {
    const o = await shopifyOrder();
    const cancelled = await t().request({
      method: 'POST',
      url: `/v1/orders/${o.orderId}/cancel`,
      payload: {},
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    await waitFor(() => shopify.order(o.id)!.cancelled_at, { message: 'the cancellation' });

    const before = shopify.writes.cancel ?? 0;
    const c = await channel('shopify');
    const orderId = await place(c, orderOf(String(nextId++), [{ sku: skus[0]!, quantity: 1 }]));
    const row = await t()
      .db.selectFrom('channel_orders')
      .select('external_id')
      .where('order_id', '=', orderId)
      .executeTakeFirstOrThrow();
    await receiveChannelOrder({ db: t().db, orderHooks: t().app.services.orderHooks }, c, {
      ...orderOf(row.external_id, [{ sku: skus[0]!, quantity: 1 }]),
      status: 'cancelled',
      updatedAt: new Date().toISOString(),
    });
    const event = await t()
      .db.selectFrom('outbox')
      .select('id')
      .where('subject', '=', orderId)
      .where('type', '=', 'com.ordersync.order.cancelled')
      .executeTakeFirstOrThrow();
    await waitFor(
      () =>
        t()
          .db.selectFrom('inbox')
          .select('message_id')
          .where('source', '=', 'consumer:channels-outbound')
          .where('message_id', '=', event.id)
          .executeTakeFirst(),
      { message: 'the consumer to take the cancellation' },
    );
    expect(shopify.writes.cancel ?? 0).toBe(before);
  });

  it('WooCommerce: a note and the tracking in the meta per shipment, completed once all shipped; cancelled', async () => {
    const c = await channel('woocommerce');
    const base = fixture('woocommerce-order-rest-v3.json');
    const id = String(nextId++);
    woo.orders.set(id, { ...base, id: Number(id), meta_data: [] });
    const orderId = await place(c, orderOf(id, [{ sku: skus[0]!, quantity: 1 }]));
    const number = tracking();
    const shipment = await ship(t(), orderId, warehouse, 'sf', number);
    await waitFor(() => woo.order(id)!.status === 'completed', { message: 'completed' });
    expect(woo.notes.get(id)).toEqual([
      expect.objectContaining({
        note: `Shipped with SF Express, tracking number ${number}.`,
        customer_note: true,
      }),
    ]);
    expect(woo.order(id)!.meta_data).toEqual([
      expect.objectContaining({
        key: wooShipmentMetaKey(shipment.id),
        value: expect.objectContaining({ carrier: 'sf', tracking_number: number }),
      }),
    ]);

    const other = String(nextId++);
    woo.orders.set(other, { ...base, id: Number(other), meta_data: [] });
    const otherOrder = await place(c, orderOf(other, [{ sku: skus[1]!, quantity: 1 }]));
    await t().request({ method: 'POST', url: `/v1/orders/${otherOrder}/cancel`, payload: {} });
    await waitFor(() => woo.order(other)!.status === 'cancelled', { message: 'cancelled' });
  });

  it('Amazon: confirmShipment with the order items matched by SellerSKU, the package named by the shipment', async () => {
    const c = await channel('amazon');
    const amazonId = `111-${nextId++}-0000001`;
    const order = fixture('amazon-spapi-getOrders.sandbox-TEST_CASE_200.json').payload.Orders[0];
    amazon.put({ ...order, AmazonOrderId: amazonId }, [
      {
        ...fixture('amazon-spapi-getOrderItems.sandbox-TEST_CASE_200.json').payload.OrderItems[0],
        OrderItemId: 'OI-1',
        SellerSKU: skus[1]!,
        QuantityOrdered: 3,
      },
    ]);
    const orderId = await place(c, orderOf(amazonId, [{ sku: skus[1]!, quantity: 3 }]));
    const number = tracking();
    const shipment = await ship(t(), orderId, warehouse, 'sf', number);
    const confirmed = await waitFor(() => amazon.confirmations.find((x) => x.amazonOrderId === amazonId), {
      message: 'the confirmation',
    });
    expect(confirmed.body.packageDetail).toMatchObject({
      packageReferenceId: packageReferenceIdOf(shipment.id),
      carrierCode: 'Other',
      carrierName: 'SF Express',
      trackingNumber: number,
      orderItems: [{ orderItemId: 'OI-1', quantity: 3 }],
    });
  });

  /** An Unshipped Amazon order of one SKU, on the fake and placed here. */
  async function amazonOrder(c: { id: string; code: string }, quantity: number) {
    const amazonId = `111-${nextId++}-0000002`;
    const order = fixture('amazon-spapi-getOrders.sandbox-TEST_CASE_200.json').payload.Orders[0];
    const item = fixture('amazon-spapi-getOrderItems.sandbox-TEST_CASE_200.json').payload.OrderItems[0];
    amazon.put({ ...order, AmazonOrderId: amazonId }, [
      { ...item, OrderItemId: `OI-${amazonId}-1`, SellerSKU: skus[0]!, QuantityOrdered: quantity },
      { ...item, OrderItemId: `OI-${amazonId}-2`, SellerSKU: skus[1]!, QuantityOrdered: 1 },
    ]);
    const orderId = await place(
      c,
      orderOf(amazonId, [
        { sku: skus[0]!, quantity },
        { sku: skus[1]!, quantity: 1 },
      ]),
    );
    return { amazonId, orderId };
  }

  /** The Amazon feed job, a round every 20 ms, until the test's end. */
  async function withFeeds<T>(options: AmazonFeedsOptions, body: () => Promise<T>): Promise<T> {
    const feeds = new AmazonFeeds(
      { db: t().db, config: t().config },
      { checkEveryMs: 20, limits: FEED_LIMITS, ...options },
    );
    let stopped = false;
    const loop = (async () => {
      while (!stopped) {
        await feeds.runOnce();
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    try {
      return await body();
    } finally {
      stopped = true;
      await loop;
    }
  }

  it('Amazon: a cancellation made here is recorded due, then sent in an order-acknowledgement feed cancelling every item', async () => {
    const c = await channel('amazon');
    const { amazonId, orderId } = await amazonOrder(c, 2);
    const feedsBefore = amazon.feeds.length;
    const res = await t().request({ method: 'POST', url: `/v1/orders/${orderId}/cancel`, payload: {} });
    expect(res.statusCode, res.body).toBe(200);
    await waitFor(
      () =>
        t()
          .db.selectFrom('amazon_cancellations')
          .select('status')
          .where('order_id', '=', orderId)
          .where('status', '=', 'due')
          .executeTakeFirst(),
      { message: 'the cancellation recorded due by the relay' },
    );
    expect(amazon.feeds.length).toBe(feedsBefore);
    await withFeeds({}, () =>
      waitFor(
        () =>
          t()
            .db.selectFrom('amazon_cancellations')
            .select('status')
            .where('order_id', '=', orderId)
            .where('status', '=', 'told')
            .executeTakeFirst(),
        { message: 'the cancellation told' },
      ),
    );
    expect(amazon.order(amazonId)?.OrderStatus).toBe('Canceled');
    // (stock goes to Amazon channels too, as JSON_LISTINGS_FEED feeds: not looked at here)
    const feeds = amazon.feeds
      .slice(feedsBefore)
      .filter((f) => f.feedType === 'POST_ORDER_ACKNOWLEDGEMENT_DATA');
    expect(feeds).toHaveLength(1);
    expect(feeds[0]).toMatchObject({
      feedType: 'POST_ORDER_ACKNOWLEDGEMENT_DATA',
      marketplaceIds: [amazon.marketplaceId],
      contentType: 'text/xml; charset=UTF-8',
      processingStatus: 'DONE',
      errors: [],
      acknowledgements: [
        {
          messageId: 1,
          amazonOrderId: amazonId,
          merchantOrderId: orderId,
          statusCode: 'Failure',
          items: [
            { orderItemId: `OI-${amazonId}-1`, cancelReason: 'GeneralAdjustment' },
            { orderItemId: `OI-${amazonId}-2`, cancelReason: 'GeneralAdjustment' },
          ],
        },
      ],
    });
    expect(feeds[0]!.content).toContain(`<MerchantIdentifier>${c.code}</MerchantIdentifier>`);
  });

  it('Amazon: a feed createFeed refuses is sent again after a wait, and the cancellation is dead after its last try', async () => {
    const c = await channel('amazon');
    const { amazonId, orderId } = await amazonOrder(c, 1);
    amazon.refuseFeeds = true;
    try {
      await t().request({ method: 'POST', url: `/v1/orders/${orderId}/cancel`, payload: {} });
      const dead = await withFeeds({ maxAttempts: 3, retryBaseMs: 50 }, () =>
        waitFor(
          () =>
            t()
              .db.selectFrom('amazon_cancellations')
              .selectAll()
              .where('order_id', '=', orderId)
              .where('status', '=', 'dead')
              .executeTakeFirst(),
          { message: 'the cancellation dead' },
        ),
      );
      expect(dead.attempts).toBe(3);
      expect(dead.last_error).toContain('createFeed: HTTP 400');
      expect(amazon.order(amazonId)!.OrderStatus).toBe('Unshipped');
      const order = await t().request({ method: 'GET', url: `/v1/orders/${orderId}` });
      expect(
        (order.json().timeline as Array<{ kind: string }>)
          .filter((e) => e.kind.startsWith('channel.'))
          .map((e) => e.kind),
      ).toEqual(['channel.cancellation_failed', 'channel.cancellation_failed', 'channel.cancellation_dead']);
    } finally {
      amazon.refuseFeeds = false;
    }
  });

  it('a channel that keeps failing: retried with backoff, a dead letter in the end, delivered once when retried', async () => {
    const o = await shopifyOrder();
    shopify.failNext.push(...Array(200).fill(503));
    await ship(t(), o.orderId, warehouse, 'sf', tracking());
    const dead = await waitFor(
      async () => {
        const res = await t().request({
          method: 'GET',
          url: `/v1/deliveries?status=dead&subject=${o.orderId}`,
        });
        return res.json().data[0] as { id: string; lastError: string; attempts: number } | undefined;
      },
      { message: 'a dead letter', timeoutMs: 30_000 },
    );
    expect(dead.lastError).toContain('503');
    expect(shopify.fulfillments.get(o.id)).toBeUndefined();
    shopify.failNext.length = 0;
    const retried = await t().request({
      method: 'POST',
      url: `/v1/deliveries/${dead.id}/retry`,
      payload: {},
    });
    expect(retried.statusCode, retried.body).toBe(200);
    await waitFor(() => shopify.fulfillments.get(o.id)?.length === 1, {
      message: 'delivered after the retry',
    });
  });
});
