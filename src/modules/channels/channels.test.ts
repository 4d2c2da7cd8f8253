import { describe, expect, it } from 'vitest';
import { createProduct, createWarehouse, reservedUnits, setStock } from '../../../test/helpers/factories.js';
import { expectProblem, type TestApp, useTestApp } from '../../../test/helpers/test-app.js';
import { newId } from '../../platform/ids.js';
import type { ChannelOrder } from './channel-order.js';
import { receiveChannelOrder } from './receive-channel-order.js';

async function createChannel(t: TestApp, overrides: Record<string, unknown> = {}) {
  const res = await t.request({
    method: 'POST',
    url: '/v1/channels',
    payload: {
      code: `shop-${newId().slice(-8)}`,
      kind: 'shopify',
      name: 'Test shop',
      apiUrl: 'https://test-shop.myshopify.com',
      credentials: { accessToken: 'shpat_very_secret_token' },
      currency: 'USD',
      ...overrides,
    },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

function snapshot(sku: string, overrides: Partial<ChannelOrder> = {}): ChannelOrder {
  return {
    externalId: `ext-${newId()}`,
    number: '#1001',
    updatedAt: '2026-12-05T10:00:00Z',
    createdAt: '2026-12-05T10:00:00Z',
    status: 'open',
    paid: true,
    currency: 'USD',
    lines: [{ channelSku: sku, title: 'Channel title', quantity: 2, unitPrice: 1999 }],
    shippingTotal: 500,
    discountTotal: 300,
    taxTotal: 0,
    grandTotal: 2 * 1999 + 500 - 300,
    customer: { email: 'buyer@example.com', name: 'Jane Buyer' },
    shippingAddress: { name: 'Jane Buyer', country: 'US', city: 'Ottawa', line1: '1 Main St' },
    ...overrides,
  };
}

describe('channels', () => {
  const t = useTestApp();
  const intake = () => ({ db: t().db, orderHooks: t().app.services.orderHooks });

  it('keeps credentials encrypted, shows only their names, and a generated webhook secret once', async () => {
    const wh = await createWarehouse(t());
    const created = await createChannel(t(), { warehouses: [wh.code] });
    expect(created.webhookSecret).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(created).toMatchObject({
      credentialFields: ['accessToken'],
      hasWebhookSecret: true,
      enabled: true,
    });
    expect(JSON.stringify(created)).not.toContain('shpat_very_secret_token');

    const stored = await t()
      .db.selectFrom('channels')
      .selectAll()
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(stored.credentials_enc).toMatch(/^v1\./);
    expect(stored.credentials_enc).not.toContain('shpat');
    expect(stored.webhook_secret_enc).not.toContain(created.webhookSecret);

    const read = await t().request({ method: 'GET', url: `/v1/channels/${created.id}` });
    expect(read.statusCode).toBe(200);
    expect(read.json().webhookSecret).toBeUndefined();
    expect(read.body).not.toContain('shpat');

    const changed = await t().request({
      method: 'PATCH',
      url: `/v1/channels/${created.id}`,
      payload: {
        enabled: false,
        stockPolicy: { safetyStock: 2, buffer: { kind: 'percent', value: 10 }, capShare: 50 },
      },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json()).toMatchObject({
      enabled: false,
      version: 2,
      stockPolicy: { safetyStock: 2, capShare: 50 },
    });

    const support = await t().keyFor('support');
    expect((await t().request({ method: 'GET', url: '/v1/channels', key: support })).statusCode).toBe(200);
    expectProblem(
      await t().request({ method: 'DELETE', url: `/v1/channels/${created.id}`, key: support }),
      403,
    );
    expect((await t().request({ method: 'DELETE', url: `/v1/channels/${created.id}` })).statusCode).toBe(204);
    expectProblem(await t().request({ method: 'GET', url: `/v1/channels/${created.id}` }), 404);
  });

  it('refuses a channel without the credentials its kind needs, an unknown warehouse, a taken code', async () => {
    const before = await t()
      .db.selectFrom('channels')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    const missing = expectProblem(
      await t().request({
        method: 'POST',
        url: '/v1/channels',
        payload: {
          code: 'woo-x',
          kind: 'woocommerce',
          name: 'W',
          currency: 'EUR',
          credentials: { consumerKey: 'ck' },
        },
      }),
      422,
    );
    expect(missing.errors).toEqual([{ field: 'body.credentials.consumerSecret', message: 'is required' }]);
    expectProblem(
      await t().request({
        method: 'POST',
        url: '/v1/channels',
        payload: { code: 'file-x', kind: 'file', name: 'F', currency: 'EUR', warehouses: ['NOPE'] },
      }),
      422,
    );
    const first = await createChannel(t());
    expectProblem(
      await t().request({
        method: 'POST',
        url: '/v1/channels',
        payload: { code: first.code, kind: 'file', name: 'F', currency: 'EUR' },
      }),
      409,
    );
    const after = await t()
      .db.selectFrom('channels')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n) + 1);
  });

  async function stockedChannel() {
    const [item] = await createProduct(t(), [5000], 'USD');
    const wh = await createWarehouse(t());
    await setStock(t(), item!.sku, wh.code, 10);
    const channel = await createChannel(t(), { warehouses: [wh.code] });
    return { sku: item!.sku, channel };
  }

  it("places one paid order at the channel's prices, reserving stock; a repeat changes nothing", async () => {
    const { sku, channel } = await stockedChannel();
    const order = snapshot(sku);
    const first = await receiveChannelOrder(intake(), channel, order);
    expect(first.outcome).toBe('placed');
    const again = await receiveChannelOrder(intake(), channel, order);
    expect(again).toMatchObject({ outcome: 'stale', orderId: first.orderId });

    const res = await t().request({ method: 'GET', url: `/v1/orders/${first.orderId}` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'paid',
      paymentStatus: 'paid',
      channel: channel.code,
      currency: 'USD',
      totals: { subtotal: 3998, shipping: 500, discount: 300, tax: 0, grandTotal: 4198 },
      lines: [{ sku, quantity: 2, unitPrice: 1999, title: 'Channel title' }],
    });
    expect(await reservedUnits(t(), sku)).toEqual({ reserved: 2, onHand: 10 });
    const rows = await t()
      .db.selectFrom('channel_orders')
      .selectAll()
      .where('external_id', '=', order.externalId)
      .execute();
    expect(rows).toHaveLength(1);
  });

  it('holds an order with an unknown SKU with a fixable reason, then places it once mapped and released', async () => {
    const { sku, channel } = await stockedChannel();
    const order = snapshot(sku, {
      lines: [{ channelSku: 'SHOP-RED-M', title: 'Red M', quantity: 1, unitPrice: 1500 }],
      grandTotal: 1700,
    });
    const held = await receiveChannelOrder(intake(), channel, order);
    expect(held.outcome).toBe('held');
    expect(held.holdReason).toContain('SKU SHOP-RED-M');
    expect(held.holdReason).toContain('sku-map');

    const list = await t().request({ method: 'GET', url: `/v1/channels/${channel.id}/orders?state=held` });
    expect(list.json().data).toMatchObject([{ externalId: order.externalId, state: 'held', orderId: null }]);

    const early = await t().request({
      method: 'POST',
      url: `/v1/channels/${channel.id}/orders/${held.channelOrderId}/release`,
    });
    expectProblem(early, 409);
    const badMap = await t().request({
      method: 'PUT',
      url: `/v1/channels/${channel.id}/sku-map`,
      payload: { entries: [{ channelSku: 'SHOP-RED-M', sku: 'NOT-OURS' }] },
    });
    expectProblem(badMap, 422);
    const map = await t().request({
      method: 'PUT',
      url: `/v1/channels/${channel.id}/sku-map`,
      payload: { entries: [{ channelSku: 'SHOP-RED-M', sku }] },
    });
    expect(map.statusCode, map.body).toBe(200);
    const released = await t().request({
      method: 'POST',
      url: `/v1/channels/${channel.id}/orders/${held.channelOrderId}/release`,
    });
    expect(released.statusCode, released.body).toBe(200);
    const orderId = released.json().orderId;
    const placed = (await t().request({ method: 'GET', url: `/v1/orders/${orderId}` })).json();
    expect(placed).toMatchObject({ status: 'paid', lines: [{ sku, unitPrice: 1500, quantity: 1 }] });
    expectProblem(
      await t().request({
        method: 'POST',
        url: `/v1/channels/${channel.id}/orders/${held.channelOrderId}/release`,
      }),
      409,
    );
  });

  it('applies an update that overtook its create, and never lets the older create overwrite it', async () => {
    const { sku, channel } = await stockedChannel();
    const created = snapshot(sku, { paid: false });
    const cancelled = {
      ...created,
      updatedAt: '2026-12-05T10:05:00Z',
      status: 'cancelled' as const,
      cancelReason: 'customer',
    };
    const first = await receiveChannelOrder(intake(), channel, cancelled);
    expect(first.outcome).toBe('placed');
    const late = await receiveChannelOrder(intake(), channel, created);
    expect(late.outcome).toBe('stale');
    const order = (await t().request({ method: 'GET', url: `/v1/orders/${first.orderId}` })).json();
    expect(order.status).toBe('cancelled');
    expect(await reservedUnits(t(), sku)).toEqual({ reserved: 0, onHand: 10 });
  });

  it('marks the order paid, then cancels it (stock back), as newer snapshots arrive', async () => {
    const { sku, channel } = await stockedChannel();
    const created = snapshot(sku, { paid: false });
    const first = await receiveChannelOrder(intake(), channel, created);
    expect((await t().request({ method: 'GET', url: `/v1/orders/${first.orderId}` })).json().status).toBe(
      'pending_payment',
    );
    await receiveChannelOrder(intake(), channel, {
      ...created,
      paid: true,
      updatedAt: '2026-12-05T10:01:00Z',
    });
    expect((await t().request({ method: 'GET', url: `/v1/orders/${first.orderId}` })).json().status).toBe(
      'paid',
    );
    expect(await reservedUnits(t(), sku)).toEqual({ reserved: 2, onHand: 10 });
    await receiveChannelOrder(intake(), channel, {
      ...created,
      paid: true,
      status: 'cancelled',
      updatedAt: '2026-12-05T10:02:00Z',
    });
    expect((await t().request({ method: 'GET', url: `/v1/orders/${first.orderId}` })).json().status).toBe(
      'cancelled',
    );
    expect(await reservedUnits(t(), sku)).toEqual({ reserved: 0, onHand: 10 });
  });

  it('places a new order once when two deliveries of it race', async () => {
    const { sku, channel } = await stockedChannel();
    const order = snapshot(sku);
    const results = await Promise.all([
      receiveChannelOrder(intake(), channel, order),
      receiveChannelOrder(intake(), channel, order),
      receiveChannelOrder(intake(), channel, { ...order, updatedAt: '2026-12-05T10:00:01Z' }),
    ]);
    const orderIds = new Set(results.map((r) => r.orderId));
    expect(orderIds.size).toBe(1);
    const orders = await t()
      .db.selectFrom('orders')
      .select('id')
      .where('channel', '=', channel.code)
      .execute();
    expect(orders).toHaveLength(1);
    expect(await reservedUnits(t(), sku)).toEqual({ reserved: 2, onHand: 10 });
  });
});
