import { describe, expect, it } from 'vitest';
import { address, createProduct, createWarehouse, reservedUnits, setStock } from '../helpers/factories.js';
import { eventTypes, getOrder } from '../helpers/lifecycle.js';
import { useProviderTestApp } from '../helpers/providers.js';
import { expectProblem } from '../helpers/test-app.js';

/** A checkout with `payment`: the order and its payment intent from one call. */
describe('a checkout that opens its payment', () => {
  const { t, wechat } = useProviderTestApp();

  /** A storefront's cart holding two SKUs (19.99 once, 5.00 twice), stocked in one warehouse. */
  async function cart() {
    const [a, b] = await createProduct(t(), [1999, 500]);
    const wh = await createWarehouse(t());
    await setStock(t(), a!.sku, wh.code, 5);
    await setStock(t(), b!.sku, wh.code, 5);
    const key = await t().keyFor('storefront');
    const res = await t().request({
      method: 'POST',
      url: '/v1/carts',
      key,
      payload: {
        items: [
          { sku: a!.sku, quantity: 1 },
          { sku: b!.sku, quantity: 2 },
        ],
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    return { id: res.json().id as string, key, skus: [a!.sku, b!.sku] };
  }

  const checkout = (c: { id: string; key: string }, body: Record<string, unknown>) =>
    t().request({
      method: 'POST',
      url: `/v1/carts/${c.id}/checkout`,
      key: c.key,
      payload: {
        customer: { email: 'buyer@example.com' },
        addresses: { home: address() },
        paymentMethod: 'sandbox',
        ...body,
      },
    });

  it('answers the order with its intent for the grand total, written after order.placed, and paying it pays the order', async () => {
    const c = await cart();
    const res = await checkout(c, { payment: {} });
    expect(res.statusCode, res.body).toBe(201);
    const placed = res.json();
    expect(placed.payment).toMatchObject({
      orderId: placed.id,
      provider: 'sandbox',
      status: 'pending',
      amount: placed.totals.grandTotal,
      currency: 'CNY',
      action: { type: 'redirect', url: expect.stringContaining(`/v1/payments/${placed.payment.id}/pay`) },
    });
    // the answer is the intent as stored: the same as reading it back
    const stored = (await t().request({ method: 'GET', url: `/v1/payments/${placed.payment.id}` })).json();
    expect(stored).toEqual(placed.payment);
    expect(await eventTypes(t(), placed.id)).toEqual(['order.placed', 'payment.created']);
    const feed = (await t().request({ method: 'GET', url: `/v1/events?subject=${placed.id}` })).json();
    expect(feed.data[1].data.order).toMatchObject({ id: placed.id, number: placed.number, version: 1 });

    // nothing more is due, as after POST /v1/orders/{id}/payments
    const again = await t().request({
      method: 'POST',
      url: `/v1/orders/${placed.id}/payments?accessToken=${placed.accessToken}`,
      key: c.key,
      payload: { provider: 'sandbox' },
    });
    await expectProblem(again, 422);

    const paid = await t().request({ method: 'POST', url: `/v1/payments/${placed.payment.id}/pay` });
    expect(paid.statusCode, paid.body).toBe(200);
    const order = await getOrder(t(), placed.id);
    expect(order).toMatchObject({
      status: 'paid',
      paymentStatus: 'paid',
      paidTotal: placed.totals.grandTotal,
    });
  });

  it('stops at authorized with manual capture', async () => {
    const res = await checkout(await cart(), { payment: { capture: 'manual' } });
    expect(res.statusCode, res.body).toBe(201);
    const paid = await t().request({ method: 'POST', url: `/v1/payments/${res.json().payment.id}/pay` });
    expect(paid.json().status).toBe('authorized');
  });

  it('refuses cash on delivery and a bad capture before anything is written', async () => {
    const c = await cart();
    const problem = await expectProblem(await checkout(c, { paymentMethod: 'cod', payment: {} }), 422);
    expect(problem.errors).toEqual([
      { field: 'body.paymentMethod', message: 'cod takes no payment before delivery' },
    ]);
    await expectProblem(await checkout(c, { payment: { capture: 'later' } }), 400);
    const still = (await t().request({ method: 'GET', url: `/v1/carts/${c.id}`, key: c.key })).json();
    expect(still.status).toBe('open');
    expect(await reservedUnits(t(), c.skus[0]!)).toMatchObject({ reserved: 0 });
  });

  it('asks an outside provider after the order is committed; one that fails leaves the order placed and the intent failed', async () => {
    const ok = await checkout(await cart(), { paymentMethod: 'wechatpay', payment: {} });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().payment).toMatchObject({
      provider: 'wechatpay',
      status: 'pending',
      action: { type: 'qr_code', codeUrl: expect.stringMatching(/^weixin:\/\//) },
    });

    wechat().nativeStatus = 500;
    try {
      const c = await cart();
      const res = await checkout(c, { paymentMethod: 'wechatpay', payment: {} });
      expect(res.statusCode, res.body).toBe(201);
      const placed = res.json();
      expect(placed.payment).toMatchObject({ status: 'failed', failureReason: expect.any(String) });
      expect(await eventTypes(t(), placed.id)).toEqual(['order.placed', 'payment.created', 'payment.failed']);
      // the order still waits for its money: another intent can be opened for it
      wechat().nativeStatus = 200;
      const retry = await t().request({
        method: 'POST',
        url: `/v1/orders/${placed.id}/payments?accessToken=${placed.accessToken}`,
        key: c.key,
        payload: { provider: 'wechatpay' },
      });
      expect(retry.statusCode, retry.body).toBe(201);
    } finally {
      wechat().nativeStatus = 200;
    }
  });
});
