import { describe, expect, it } from 'vitest';
import { reservedUnits } from '../helpers/factories.js';
import {
  eventTypes,
  expectGivenBack,
  getOrder,
  paySandbox,
  twoWarehouseOrder,
} from '../helpers/lifecycle.js';
import { postSandboxCallback, providerConfig } from '../helpers/providers.js';
import { expectProblem, useTestApp } from '../helpers/test-app.js';

describe('refunds, capture and late payments', () => {
  const t = useTestApp({ providers: providerConfig() });
  const sandboxCallback = (event: object, secret?: string) =>
    postSandboxCallback(t(), JSON.stringify(event), secret);

  it('lets one of two concurrent refunds through when together they exceed what was paid', async () => {
    const { order } = await twoWarehouseOrder(t());
    const payment = await paySandbox(t(), order.id);
    const refund = () =>
      t().request({ method: 'POST', url: `/v1/payments/${payment.id}/refunds`, payload: { amount: 6000 } });
    const results = await Promise.all([refund(), refund()]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    expectProblem(results.find((r) => r.statusCode === 409)!, 409, 'conflict');
    expect(await getOrder(t(), order.id)).toMatchObject({
      paymentStatus: 'partially_refunded',
      refundedTotal: 6000,
    });
    // the rest, and not a cent more
    const rest = await t().request({
      method: 'POST',
      url: `/v1/payments/${payment.id}/refunds`,
      payload: {},
    });
    expect(rest.json()).toMatchObject({ amount: 5000, status: 'succeeded' });
    expectProblem(
      await t().request({
        method: 'POST',
        url: `/v1/payments/${payment.id}/refunds`,
        payload: { amount: 1 },
      }),
      409,
    );
    // everything given back before anything shipped: the order is closed
    expect(await getOrder(t(), order.id)).toMatchObject({ status: 'closed', paymentStatus: 'refunded' });
  });

  it('cancels a paid order: stock released, payment refunded, events in order', async () => {
    const { order, a } = await twoWarehouseOrder(t());
    await paySandbox(t(), order.id);
    const cancelled = await t().request({
      method: 'POST',
      url: `/v1/orders/${order.id}/cancel`,
      payload: { reason: 'changed my mind' },
    });
    expect(cancelled.json()).toMatchObject({
      status: 'cancelled',
      paymentStatus: 'refunded',
      refundedTotal: 11000,
    });
    expect(await reservedUnits(t(), a.sku)).toEqual({ reserved: 0, onHand: 10 });
    expect(await eventTypes(t(), order.id)).toEqual([
      'order.placed',
      'payment.created',
      'order.paid',
      'payment.succeeded',
      'order.cancelled',
      'payment.refunded',
    ]);
  });

  it('refunds a sandbox payment that completes after the order was cancelled', async () => {
    const { order } = await twoWarehouseOrder(t());
    const payment = (
      await t().request({
        method: 'POST',
        url: `/v1/orders/${order.id}/payments`,
        payload: { provider: 'sandbox' },
      })
    ).json();
    await t().request({ method: 'POST', url: `/v1/orders/${order.id}/cancel`, payload: {} });
    expect((await t().request({ method: 'GET', url: `/v1/payments/${payment.id}` })).json().status).toBe(
      'cancelled',
    );
    const event = {
      id: 'evt-late-1',
      type: 'payment.succeeded',
      paymentId: payment.id,
      amount: payment.amount,
      currency: 'CNY',
    };
    expectProblem(await sandboxCallback(event, 'wrong secret'), 401);
    const res = await sandboxCallback(event);
    expect(res.statusCode, res.body).toBe(200);
    expect((await sandboxCallback(event)).body).toBe(res.body);
    await expectGivenBack(t(), order.id, 11000);
    expect((await eventTypes(t(), order.id)).slice(-3)).toEqual([
      'order.cancelled',
      'payment.late_received',
      'payment.refunded',
    ]);
  });

  it('captures an authorized payment', async () => {
    const { order } = await twoWarehouseOrder(t());
    const payment = (
      await t().request({
        method: 'POST',
        url: `/v1/orders/${order.id}/payments`,
        payload: { provider: 'sandbox', capture: 'manual' },
      })
    ).json();
    const authorized = await t().request({ method: 'POST', url: `/v1/payments/${payment.id}/pay` });
    expect(authorized.json()).toMatchObject({ status: 'authorized', authorizedAt: expect.any(String) });
    expect((await getOrder(t(), order.id)).status).toBe('pending_payment');
    const captured = await t().request({ method: 'POST', url: `/v1/payments/${payment.id}/capture` });
    expect(captured.json()).toMatchObject({ status: 'paid' });
    expectProblem(
      await t().request({ method: 'POST', url: `/v1/payments/${payment.id}/capture` }),
      409,
      'illegal_transition',
    );
    expect(await getOrder(t(), order.id)).toMatchObject({ status: 'paid', paymentStatus: 'paid' });
    expect((await eventTypes(t(), order.id)).slice(-3)).toEqual([
      'payment.authorized',
      'order.paid',
      'payment.captured',
    ]);
  });

  it('says why a provider cannot be used', async () => {
    const { order } = await twoWarehouseOrder(t());
    expectProblem(
      await t().request({
        method: 'POST',
        url: `/v1/orders/${order.id}/payments`,
        payload: { provider: 'alipay' },
      }),
      422,
    );
    expectProblem(
      await t().request({
        method: 'POST',
        url: `/v1/orders/${order.id}/payments`,
        payload: { provider: 'cod' },
      }),
      422,
    );
    expectProblem(
      await t().request({
        method: 'POST',
        url: '/v1/callbacks/payments/alipay',
        key: null,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: 'a=b',
      }),
      404,
    );
  });
});
