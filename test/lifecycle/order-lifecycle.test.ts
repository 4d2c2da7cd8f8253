import { describe, expect, it } from 'vitest';
import { reservedUnits } from '../helpers/factories.js';
import {
  chinaTime,
  eventTypes,
  genericPush,
  getOrder,
  kuaidi100Push,
  paySandbox,
  ship,
  twoWarehouseOrder,
} from '../helpers/lifecycle.js';
import { providerConfig } from '../helpers/providers.js';
import { useTestApp } from '../helpers/test-app.js';

const YT = () => `YT${Date.now()}${Math.floor(Math.random() * 1000)}`.slice(0, 16);
const SF = () => `SF${Date.now()}${Math.floor(Math.random() * 10)}`.slice(0, 16);

describe('the whole order life cycle', () => {
  const t = useTestApp({ providers: providerConfig() });

  /** Ships A then B, tracks both to delivered, returns one A, receives and refunds it. */
  async function shipTrackReturnRefund(
    order: { id: string },
    ctx: Awaited<ReturnType<typeof twoWarehouseOrder>>,
  ) {
    const yt = YT();
    const sf = SF();
    const first = await ship(t(), order.id, ctx.whA.code, 'yto', yt);
    expect(first).toMatchObject({
      status: 'in_transit',
      warehouse: ctx.whA.code,
      lines: [{ lineId: ctx.lineA, quantity: 2 }],
    });
    expect((await getOrder(t(), order.id)).status).toBe('partially_shipped');
    // shipping commits stock: on hand and reserved both fall
    expect(await reservedUnits(t(), ctx.a.sku)).toEqual({ reserved: 0, onHand: 8 });

    await ship(t(), order.id, ctx.whB.code, 'sf', sf);
    expect((await getOrder(t(), order.id)).status).toBe('shipped');

    const track = [
      { time: chinaTime(60), context: '快件已揽收', status: '揽收' },
      { time: chinaTime(50), context: '上海分拨中心/装件入车扫描', status: '在途' },
      { time: chinaTime(20), context: '派件员正在派件', status: '派件' },
      { time: chinaTime(5), context: '已签收，签收人：本人', status: '签收' },
    ];
    const pushed = await kuaidi100Push(t(), 'yuantong', yt, track);
    expect(pushed.statusCode, pushed.body).toBe(200);
    expect(pushed.json()).toMatchObject({ result: true, returnCode: '200', added: 4, status: 'delivered' });
    const again = await kuaidi100Push(t(), 'yuantong', yt, track);
    expect(again.json()).toMatchObject({ added: 0, status: 'delivered' });
    expect((await getOrder(t(), order.id)).status).toBe('shipped');

    const delivered = await genericPush(t(), 'sf', sf, [
      {
        id: 'sf-1',
        time: new Date(Date.now() - 3600_000).toISOString(),
        status: 'in_transit',
        description: 'Departed Shenzhen hub',
      },
      {
        id: 'sf-2',
        time: new Date().toISOString(),
        status: 'delivered',
        description: 'Signed by the recipient',
      },
    ]);
    expect(delivered.statusCode, delivered.body).toBe(200);
    const afterDelivery = await getOrder(t(), order.id);
    expect(afterDelivery).toMatchObject({ status: 'delivered', fulfillmentStatus: 'delivered' });
    expect(afterDelivery.shipments.map((s: { status: string }) => s.status)).toEqual([
      'delivered',
      'delivered',
    ]);

    const requested = await t().request({
      method: 'POST',
      url: `/v1/orders/${order.id}/returns`,
      payload: {
        type: 'return_refund',
        reason: 'defective',
        lines: [{ lineId: ctx.lineA, quantity: 1 }],
        photos: ['https://img.example.com/broken-1.jpg'],
        note: 'The zip is broken',
      },
    });
    expect(requested.statusCode, requested.body).toBe(201);
    const ret = requested.json();
    for (const [verb, payload] of [
      ['approve', {}],
      ['receive', { warehouse: ctx.whA.code, sellable: true }],
      ['refund', {}],
    ] as const) {
      const res = await t().request({ method: 'POST', url: `/v1/returns/${ret.id}/${verb}`, payload });
      expect(res.statusCode, `${verb}: ${res.body}`).toBe(200);
    }
    // restocked in warehouse A
    expect(await reservedUnits(t(), ctx.a.sku)).toEqual({ reserved: 0, onHand: 9 });
    return ret;
  }

  it('online: pay → ship from A → ship from B → tracking → delivered → return one line → refund', async () => {
    const ctx = await twoWarehouseOrder(t());
    await paySandbox(t(), ctx.order.id);
    const ret = await shipTrackReturnRefund(ctx.order, ctx);

    const final = await getOrder(t(), ctx.order.id);
    expect(final).toMatchObject({
      status: 'delivered',
      paymentStatus: 'partially_refunded',
      paidTotal: 11000,
      refundedTotal: 3000,
    });
    expect(final.returns).toMatchObject([
      { id: ret.id, status: 'refunded', refundAmount: 3000, shippingRefund: 0 },
    ]);
    expect(final.refunds).toMatchObject([{ amount: 3000, status: 'succeeded' }]);
    expect(final.payments).toMatchObject([{ status: 'partially_refunded', refundedAmount: 3000 }]);

    expect(await eventTypes(t(), ctx.order.id)).toEqual([
      'order.placed',
      'payment.created',
      'order.paid',
      'payment.succeeded',
      'shipment.created',
      'shipment.shipped',
      'order.partially_shipped',
      'shipment.created',
      'shipment.shipped',
      'order.shipped',
      'shipment.status_changed',
      'shipment.status_changed',
      'order.delivered',
      'return.requested',
      'return.approved',
      'return.received',
      'payment.refunded',
      'return.refunded',
    ]);

    const confirmed = await t().request({
      method: 'POST',
      url: `/v1/orders/${ctx.order.id}/confirm-receipt`,
      payload: {},
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(confirmed.json()).toMatchObject({ status: 'completed' });
  });

  it('cash on delivery: placed → shipped in two parts → delivered (cash collected) → return → refund', async () => {
    const ctx = await twoWarehouseOrder(t(), 'cod');
    expect(ctx.order.status).toBe('placed');
    await shipTrackReturnRefund(ctx.order, ctx);

    const final = await getOrder(t(), ctx.order.id);
    expect(final).toMatchObject({
      status: 'delivered',
      paymentStatus: 'partially_refunded',
      paidTotal: 11000,
      refundedTotal: 3000,
    });
    expect(final.payments).toMatchObject([{ provider: 'cod', amount: 11000, status: 'partially_refunded' }]);
    const types = await eventTypes(t(), ctx.order.id);
    expect(types.slice(0, 3)).toEqual(['order.placed', 'shipment.created', 'shipment.shipped']);
    expect(types.slice(types.indexOf('order.delivered'), types.indexOf('order.delivered') + 2)).toEqual([
      'order.delivered',
      'payment.succeeded',
    ]);
    expect(types.at(-1)).toBe('return.refunded');
  });

  it('an exchange reserves the new SKU and sends it as a replacement shipment', async () => {
    const ctx = await twoWarehouseOrder(t());
    await paySandbox(t(), ctx.order.id);
    const yt = YT();
    const sf = SF();
    await ship(t(), ctx.order.id, ctx.whA.code, 'yto', yt);
    await ship(t(), ctx.order.id, ctx.whB.code, 'sf', sf);
    for (const [carrier, nu] of [
      ['yto', yt],
      ['sf', sf],
    ] as const) {
      await genericPush(t(), carrier, nu, [
        { id: `${nu}-d`, time: new Date().toISOString(), status: 'delivered', description: 'Delivered' },
      ]);
    }
    expect((await getOrder(t(), ctx.order.id)).status).toBe('delivered');

    // exchange one A for one B (B is in warehouse B)
    const ret = (
      await t().request({
        method: 'POST',
        url: `/v1/orders/${ctx.order.id}/returns`,
        payload: {
          type: 'exchange',
          reason: 'wrong_item',
          lines: [{ lineId: ctx.lineA, quantity: 1, exchangeSku: ctx.b.sku }],
        },
      })
    ).json();
    await t().request({ method: 'POST', url: `/v1/returns/${ret.id}/approve`, payload: {} });
    const received = await t().request({
      method: 'POST',
      url: `/v1/returns/${ret.id}/receive`,
      payload: { warehouse: ctx.whA.code },
    });
    expect(received.statusCode, received.body).toBe(200);
    expect(received.json()).toMatchObject({ status: 'exchanged', lines: [{ exchangeSku: ctx.b.sku }] });
    expect(await reservedUnits(t(), ctx.b.sku)).toEqual({ reserved: 1, onHand: 9 });

    const order = await getOrder(t(), ctx.order.id);
    const replacement = order.shipments.find((s: { kind: string }) => s.kind === 'replacement');
    expect(replacement).toMatchObject({
      status: 'pending',
      returnId: ret.id,
      warehouse: ctx.whB.code,
      lines: [{ sku: ctx.b.sku, quantity: 1 }],
    });
    const shipped = await t().request({
      method: 'POST',
      url: `/v1/shipments/${replacement.id}/ship`,
      payload: { carrier: 'sf', trackingNumber: SF() },
    });
    expect(shipped.statusCode, shipped.body).toBe(200);
    expect(await reservedUnits(t(), ctx.b.sku)).toEqual({ reserved: 0, onHand: 8 });
    expect(await getOrder(t(), ctx.order.id)).toMatchObject({ status: 'delivered', paymentStatus: 'paid' });
    const types = await eventTypes(t(), ctx.order.id);
    expect(types.slice(-4)).toEqual([
      'return.received',
      'shipment.created',
      'return.exchanged',
      'shipment.shipped',
    ]);
  });
});

describe('the life cycle API document', () => {
  const t = useTestApp({ providers: providerConfig() });

  it('covers every new endpoint', async () => {
    const doc = (await t().request({ method: 'GET', url: '/openapi.json' })).json();
    const paths = Object.keys(doc.paths);
    for (const p of [
      '/v1/orders/{id}/payments',
      '/v1/payments/{id}/capture',
      '/v1/payments/{id}/refunds',
      '/v1/payments/{id}/query',
      '/v1/callbacks/payments/{provider}',
      '/v1/orders/{id}/shipments',
      '/v1/shipments/{id}',
      '/v1/shipments/{id}/ship',
      '/v1/carriers',
      '/v1/callbacks/carriers/{carrier}',
      '/v1/orders/{id}/confirm-receipt',
      '/v1/orders/{id}/returns',
      '/v1/returns',
      '/v1/returns/{id}',
      '/v1/returns/{id}/approve',
      '/v1/returns/{id}/reject',
      '/v1/returns/{id}/receive',
      '/v1/returns/{id}/refund',
      '/v1/return-rules',
      '/v1/kb/articles',
    ]) {
      expect(paths, p).toContain(p);
    }
  });
});
