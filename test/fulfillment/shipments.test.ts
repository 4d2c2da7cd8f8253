import { describe, expect, it } from 'vitest';
import { completeDeliveredOrders } from '../../src/modules/orders/index.js';
import {
  chinaTime,
  genericPush,
  getOrder,
  kuaidi100Push,
  paySandbox,
  ship,
  twoWarehouseOrder,
} from '../helpers/lifecycle.js';
import { providerConfig } from '../helpers/providers.js';
import { expectProblem, useTestApp } from '../helpers/test-app.js';

describe('shipments and tracking', () => {
  const t = useTestApp({ providers: providerConfig() });

  it('makes one shipment of two concurrent requests for the same lines', async () => {
    const ctx = await twoWarehouseOrder(t());
    await paySandbox(t(), ctx.order.id);
    const create = () =>
      t().request({
        method: 'POST',
        url: `/v1/orders/${ctx.order.id}/shipments`,
        payload: { warehouse: ctx.whA.code, lineIds: [ctx.lineA] },
      });
    const results = await Promise.all([create(), create(), create()]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409, 409]);
    const id = results.find((r) => r.statusCode === 201)!.json().id;
    const shipOnce = () =>
      t().request({
        method: 'POST',
        url: `/v1/shipments/${id}/ship`,
        payload: { carrier: 'zto', trackingNumber: '773012345678' },
      });
    const shipped = await Promise.all([shipOnce(), shipOnce()]);
    expect(shipped.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    expect((await getOrder(t(), ctx.order.id)).shipments).toHaveLength(1);
  });

  it('refuses what cannot ship: unpaid orders, unknown warehouses, wrong tracking numbers', async () => {
    const ctx = await twoWarehouseOrder(t());
    expectProblem(
      await t().request({
        method: 'POST',
        url: `/v1/orders/${ctx.order.id}/shipments`,
        payload: { warehouse: ctx.whA.code },
      }),
      409,
      'illegal_transition',
    );
    await paySandbox(t(), ctx.order.id);
    expectProblem(
      await t().request({
        method: 'POST',
        url: `/v1/orders/${ctx.order.id}/shipments`,
        payload: { warehouse: 'NOPE' },
      }),
      422,
    );
    const s = (
      await t().request({
        method: 'POST',
        url: `/v1/orders/${ctx.order.id}/shipments`,
        payload: { warehouse: ctx.whB.code },
      })
    ).json();
    expectProblem(
      await t().request({
        method: 'POST',
        url: `/v1/shipments/${s.id}/ship`,
        payload: { carrier: 'sf', trackingNumber: '1234' },
      }),
      422,
    );
    expectProblem(
      await t().request({
        method: 'POST',
        url: `/v1/shipments/${s.id}/ship`,
        payload: { carrier: 'dhl', trackingNumber: '12345' },
      }),
      400,
    );
  });

  it('checks carrier pushes: bad signature 401, unknown tracking number 404, nothing changes', async () => {
    const ctx = await twoWarehouseOrder(t());
    await paySandbox(t(), ctx.order.id);
    await ship(t(), ctx.order.id, ctx.whA.code, 'yto', 'YT9000000001');
    const data = [{ time: chinaTime(1), context: '已签收', status: '签收' }];
    expectProblem(await kuaidi100Push(t(), 'yuantong', 'YT9000000001', data, 'wrong salt'), 401);
    expectProblem(await kuaidi100Push(t(), 'yuantong', 'YT0000000000', data), 404);
    const forged = await t().request({
      method: 'POST',
      url: '/v1/callbacks/carriers/yto',
      key: null,
      headers: {
        'content-type': 'application/json',
        'x-carrier-signature': `t=${Math.floor(Date.now() / 1000)},v1=00`,
      },
      payload: JSON.stringify({ trackingNumber: 'YT9000000001', events: [] }),
    });
    expectProblem(forged, 401);
    const shipment = (await getOrder(t(), ctx.order.id)).shipments[0];
    expect(shipment).toMatchObject({ status: 'in_transit', tracking: [] });

    // an exception, then delivery; an old "in transit" arriving late changes nothing
    await genericPush(t(), 'yto', 'YT9000000001', [
      {
        id: 'x1',
        time: new Date(Date.now() - 7200_000).toISOString(),
        status: 'exception',
        description: 'Address unclear',
      },
    ]);
    await genericPush(t(), 'yto', 'YT9000000001', [
      {
        id: 'x2',
        time: new Date(Date.now() - 600_000).toISOString(),
        status: 'delivered',
        description: 'Signed',
      },
    ]);
    const late = await genericPush(t(), 'yto', 'YT9000000001', [
      {
        id: 'x0',
        time: new Date(Date.now() - 9000_000).toISOString(),
        status: 'in_transit',
        description: 'Departed',
      },
    ]);
    expect(late.json()).toMatchObject({ added: 1, status: 'delivered' });
    const tracked = (await t().request({ method: 'GET', url: `/v1/shipments/${shipment.id}` })).json();
    expect(tracked.tracking.map((e: { status: string }) => e.status)).toEqual([
      'in_transit',
      'exception',
      'delivered',
    ]);
  });

  it('completes delivered orders on confirm-receipt or after ORDER_AUTO_COMPLETE_DAYS', async () => {
    const ctx = await twoWarehouseOrder(t());
    await paySandbox(t(), ctx.order.id);
    expectProblem(
      await t().request({ method: 'POST', url: `/v1/orders/${ctx.order.id}/confirm-receipt`, payload: {} }),
      409,
      'illegal_transition',
    );
    await ship(t(), ctx.order.id, ctx.whA.code, 'jd', 'JDV000123456789');
    await ship(t(), ctx.order.id, ctx.whB.code, 'ems', 'EA123456789CN');
    for (const [c, nu] of [
      ['jd', 'JDV000123456789'],
      ['ems', 'EA123456789CN'],
    ]) {
      await genericPush(t(), c!, nu!, [
        { id: `${nu}-d`, time: new Date().toISOString(), status: 'delivered', description: 'Delivered' },
      ]);
    }
    const delivered = await getOrder(t(), ctx.order.id);
    expect(delivered.status).toBe('delivered');
    const days = t().config.orderAutoCompleteDays;
    expect(days).toBe(10);
    await completeDeliveredOrders(
      t().db,
      new Date(Date.parse(delivered.deliveredAt) + (days - 1) * 86_400_000),
      days,
    );
    expect((await getOrder(t(), ctx.order.id)).status).toBe('delivered');
    await completeDeliveredOrders(
      t().db,
      new Date(Date.parse(delivered.deliveredAt) + days * 86_400_000 + 1000),
      days,
    );
    expect(await getOrder(t(), ctx.order.id)).toMatchObject({
      status: 'completed',
      completedAt: expect.any(String),
    });
  });
});

describe('carrier pushes that are not what they claim', () => {
  const t = useTestApp({ providers: providerConfig() });

  it('answers malformed pushes with 4xx problems, never a 500', async () => {
    const salt = t().config.providers.kuaidi100Salt!;
    const { signKuaidi100 } = await import('../../src/modules/fulfillment/tracking-formats.js');
    for (const param of [
      'not json',
      '{}',
      '{"lastResult":{"nu":"X","com":"ems","data":[{}]}}',
      '{"lastResult":{"nu":"X","data":[{"time":"yesterday","context":"x"}]}}',
    ]) {
      const res = await t().request({
        method: 'POST',
        url: '/v1/callbacks/carriers/kuaidi100',
        key: null,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ param, sign: signKuaidi100(param, salt) }).toString(),
      });
      expect(res.statusCode, `${param}: ${res.body}`).toBe(400);
    }
    const sandbox = await t().request({
      method: 'POST',
      url: '/v1/callbacks/payments/sandbox',
      key: null,
      headers: { 'content-type': 'application/json' },
      payload: '{}',
    });
    expectProblem(sandbox, 401);
  });
});
