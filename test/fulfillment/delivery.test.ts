import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signGenericPush } from '../../src/modules/fulfillment/tracking-formats.js';
import {
  chinaTime,
  eventTypes,
  getOrder,
  kuaidi100Push,
  paySandbox,
  prepareShipment,
  ship,
  twoWarehouseOrder,
} from '../helpers/lifecycle.js';
import { providerConfig } from '../helpers/providers.js';
import { expectProblem, useTestApp } from '../helpers/test-app.js';

const YT = () => `YT${Date.now()}${Math.floor(Math.random() * 1000)}`.slice(0, 16);

describe('delivery through Kuaidi100 pushes, with and without resultv2', () => {
  // A salt made for this run: nothing here leans on a published value.
  const t = useTestApp({ providers: providerConfig({ kuaidi100Salt: randomBytes(16).toString('hex') }) });

  it('delivers on lastResult.state 3 and ischeck 1 when the events carry no status', async () => {
    const ctx = await twoWarehouseOrder(t());
    await paySandbox(t(), ctx.order.id);
    const yt = YT();
    const shipment = await ship(t(), ctx.order.id, ctx.whA.code, 'yto', yt);
    const moving = [
      { time: chinaTime(60), context: '快件已揽收' },
      { time: chinaTime(30), context: '上海分拨中心/装件入车扫描' },
    ];
    const plain = { resultv2: false, state: '0', ischeck: '0' };
    const first = await kuaidi100Push(t(), 'yuantong', yt, moving, undefined, plain);
    expect(first.json()).toMatchObject({ added: 2, status: 'in_transit' });

    const signed = [...moving, { time: chinaTime(5), context: '已签收，签收人：本人' }];
    const last = await kuaidi100Push(t(), 'yuantong', yt, signed, undefined, {
      resultv2: false,
      state: '3',
      ischeck: '1',
    });
    expect(last.statusCode, last.body).toBe(200);
    expect(last.json()).toMatchObject({ added: 1, status: 'delivered' });
    const order = await getOrder(t(), ctx.order.id);
    expect(order.shipments.find((s: { id: string }) => s.id === shipment.id)).toMatchObject({
      status: 'delivered',
      deliveredAt: expect.any(String),
    });
    expect(order.timeline.map((e: { message: string }) => e.message)).toContainEqual(
      expect.stringContaining('in_transit → delivered (已签收，签收人：本人)'),
    );
  });

  it('delivers on the per-event status of a resultv2 subscription', async () => {
    const ctx = await twoWarehouseOrder(t());
    await paySandbox(t(), ctx.order.id);
    const yt = YT();
    await ship(t(), ctx.order.id, ctx.whA.code, 'yto', yt);
    const res = await kuaidi100Push(t(), 'yuantong', yt, [
      { time: chinaTime(20), context: '派件员正在派件', status: '派件' },
      { time: chinaTime(5), context: '已签收', status: '签收' },
    ]);
    expect(res.json()).toMatchObject({ added: 2, status: 'delivered' });
  });
});

describe('a default install: no carrier secrets set', () => {
  const t = useTestApp({ providers: providerConfig({ kuaidi100Salt: undefined, carrierSecret: undefined }) });

  it('answers carrier pushes with a 401 that names the missing setting', async () => {
    const body = JSON.stringify({ trackingNumber: 'YT9000000001', events: [] });
    const generic = await t().request({
      method: 'POST',
      url: '/v1/callbacks/carriers/yto',
      key: null,
      headers: { 'content-type': 'application/json', 'x-carrier-signature': signGenericPush('guess', body) },
      payload: body,
    });
    expect(expectProblem(generic, 401).detail).toMatch(/CARRIER_PUSH_SECRET is not set/);
    const kuaidi100 = await kuaidi100Push(t(), 'yuantong', 'YT9000000001', [], 'guess');
    expect(expectProblem(kuaidi100, 401).detail).toMatch(/KUAIDI100_SALT is not set/);
  });

  it('lets the warehouse mark a shipment delivered by hand, with a reason in the timeline', async () => {
    const ctx = await twoWarehouseOrder(t());
    await paySandbox(t(), ctx.order.id);
    const created = await prepareShipment(t(), ctx.order.id, ctx.whA.code);
    const deliver = (id: string, payload: object, key?: string) =>
      t().request({ method: 'POST', url: `/v1/shipments/${id}/deliver`, payload, key });
    const warehouse = await t().keyFor('warehouse');
    // not yet handed to a carrier
    expectProblem(await deliver(created.id, { reason: 'Picked up at the counter' }, warehouse), 409);

    const a = (
      await t().request({
        method: 'POST',
        url: `/v1/shipments/${created.id}/ship`,
        payload: { carrier: 'yto', trackingNumber: YT() },
      })
    ).json();
    const b = await ship(t(), ctx.order.id, ctx.whB.code, 'sf', 'SF1234567890123');
    expectProblem(await deliver(a.id, { reason: 'x' }, await t().keyFor('storefront')), 403);
    expectProblem(await deliver(a.id, {}, warehouse), 400);
    expectProblem(
      await deliver(
        a.id,
        { reason: 'Signed', deliveredAt: new Date(Date.now() + 86_400_000).toISOString() },
        warehouse,
      ),
      400,
    );
    expect((await getOrder(t(), ctx.order.id)).status).toBe('shipped');

    const done = await deliver(a.id, { reason: 'Buyer confirmed by phone' }, warehouse);
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toMatchObject({
      status: 'delivered',
      deliveredAt: expect.any(String),
      tracking: [{ status: 'delivered', description: expect.stringContaining('Buyer confirmed by phone') }],
    });
    expectProblem(await deliver(a.id, { reason: 'again' }, warehouse), 409, 'illegal_transition');
    expect((await getOrder(t(), ctx.order.id)).status).toBe('shipped');

    const beforeShipping = new Date(Date.now() - 3600_000).toISOString();
    expectProblem(await deliver(b.id, { reason: 'Signed', deliveredAt: beforeShipping }, warehouse), 400);
    const deliveredAt = new Date().toISOString();
    expect((await deliver(b.id, { reason: 'Left with the concierge', deliveredAt })).statusCode).toBe(200);
    const order = await getOrder(t(), ctx.order.id);
    expect(order.status).toBe('delivered');
    expect(order.shipments.find((s: { id: string }) => s.id === b.id).deliveredAt).toBe(deliveredAt);
    expect(order.timeline.map((e: { message: string }) => e.message)).toEqual(
      expect.arrayContaining([
        expect.stringContaining('Buyer confirmed by phone'),
        expect.stringContaining('Left with the concierge'),
      ]),
    );
    expect(await eventTypes(t(), ctx.order.id)).toEqual(
      expect.arrayContaining(['shipment.status_changed', 'order.delivered']),
    );
  });
});

describe('tracking-number formats', () => {
  const t = useTestApp({ providers: providerConfig() });

  it('lists each carrier’s format and says it in the 422 of a number that does not fit', async () => {
    const carriers = (await t().request({ method: 'GET', url: '/v1/carriers' })).json();
    const sf = carriers.find((c: { code: string }) => c.code === 'sf');
    expect(sf.trackingNumber).toMatchObject({
      format: 'SF followed by 12 to 15 digits',
      ignoreCase: true,
      example: 'SF1234567890123',
    });
    for (const c of carriers) {
      const re = new RegExp(c.trackingNumber.pattern, c.trackingNumber.ignoreCase ? 'i' : '');
      expect(re.test(c.trackingNumber.example), c.code).toBe(true);
    }

    const ctx = await twoWarehouseOrder(t());
    await paySandbox(t(), ctx.order.id);
    const s = await prepareShipment(t(), ctx.order.id, ctx.whA.code);
    const res = await t().request({
      method: 'POST',
      url: `/v1/shipments/${s.id}/ship`,
      payload: { carrier: 'sf', trackingNumber: '1234' },
    });
    const problem = expectProblem(res, 422);
    expect(problem.detail).toContain('SF followed by 12 to 15 digits (e.g. SF1234567890123)');
    expect(problem.errors).toEqual([
      {
        field: 'body.trackingNumber',
        message: 'must be SF followed by 12 to 15 digits (e.g. SF1234567890123)',
      },
    ]);
  });
});
