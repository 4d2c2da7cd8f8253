import { describe, expect, it } from 'vitest';
import { cancelOverdueOrders } from '../../src/modules/orders/order-commands.js';
import { toDecimal } from '../../src/modules/payments/money-format.js';
import { eventTypes, getOrder, twoWarehouseOrder } from '../helpers/lifecycle.js';
import { alipayNotification, TEST_ALIPAY_APP_ID, useProviderTestApp } from '../helpers/providers.js';
import { expectProblem } from '../helpers/test-app.js';

describe('money received with another amount', () => {
  const { t, alipay } = useProviderTestApp();
  const farFuture = () => new Date(Date.now() + 30 * 86400_000);

  async function alipayPayment() {
    const { order } = await twoWarehouseOrder(t(), 'alipay');
    const res = await t().request({
      method: 'POST',
      url: `/v1/orders/${order.id}/payments`,
      payload: { provider: 'alipay' },
    });
    expect(res.statusCode, res.body).toBe(201);
    return { order, payment: res.json() };
  }
  const postPaid = (payment: { id: string }, amount: number) =>
    t().request({
      method: 'POST',
      url: '/v1/callbacks/payments/alipay',
      key: null,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: alipayNotification(
        {
          app_id: TEST_ALIPAY_APP_ID,
          notify_id: `nid-${payment.id}`,
          notify_type: 'trade_status_sync',
          notify_time: '2026-12-04 10:00:00',
          out_trade_no: payment.id.replaceAll('-', ''),
          trade_no: `2026120422${payment.id.slice(-12)}`,
          trade_status: 'TRADE_SUCCESS',
          total_amount: toDecimal(amount, 'CNY'),
          subject: '订单 纯棉 T 恤',
          body: '蓝色 × 2',
        },
        alipay().keys.alipay.privateKey,
      ),
    });
  const resolve = (paymentId: string, body: object, key?: string) =>
    t().request({ method: 'POST', url: `/v1/payments/${paymentId}/resolve`, payload: body, key });

  it('records it as held, stops the unpaid-order clock and flags the order; the repeat gets the same answer', async () => {
    const { order, payment } = await alipayPayment();
    const first = await postPaid(payment, payment.amount - 1);
    expect([first.statusCode, first.body]).toEqual([200, 'success']);
    expect((await postPaid(payment, payment.amount - 1)).body).toBe('success');
    const after = await getOrder(t(), order.id);
    expect(after).toMatchObject({ status: 'pending_payment', paidTotal: 0, paymentDueAt: null });
    expect(after.reviewReason).toContain(`reported ${payment.amount - 1} CNY`);
    expect(after.payments).toMatchObject([
      { id: payment.id, status: 'held', receivedAmount: payment.amount - 1, receivedCurrency: 'CNY' },
    ]);
    expect(after.timeline.map((e: { kind: string }) => e.kind)).toContain('order.flagged');
    expect(await eventTypes(t(), order.id)).toContain('payment.held');
    const logged = await t()
      .db.selectFrom('payment_callbacks')
      .select('outcome')
      .where('payment_id', '=', payment.id)
      .execute();
    expect(logged).toEqual([{ outcome: 'amount_mismatch' }]);

    // the unpaid-order timeout passes it by
    await cancelOverdueOrders(t().db, farFuture(), t().app.services.orderHooks);
    expect((await getOrder(t(), order.id)).status).toBe('pending_payment');
  });

  it('lets finance accept it: the money counts, the flag goes, and a short order gets a new deadline', async () => {
    const { order, payment } = await alipayPayment();
    await postPaid(payment, payment.amount - 100);
    for (const role of ['storefront', 'support', 'warehouse', 'channel'] as const) {
      const key = await t().keyFor(role);
      expectProblem(await resolve(payment.id, { action: 'accept' }, key), 403, 'forbidden');
    }
    expectProblem(await resolve(payment.id, { action: 'keep' }), 400, 'validation_failed');
    const accepted = await resolve(
      payment.id,
      { action: 'accept', reason: 'buyer used a coupon at Alipay' },
      await t().keyFor('finance'),
    );
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json()).toMatchObject({ status: 'paid', amount: payment.amount - 100 });
    const after = await getOrder(t(), order.id);
    expect(after).toMatchObject({
      status: 'pending_payment',
      paidTotal: payment.amount - 100,
      reviewReason: null,
    });
    expect(Date.parse(after.paymentDueAt)).toBeGreaterThan(Date.now());
    expect(after.timeline.at(-1)).toMatchObject({
      kind: 'order.review_resolved',
      message: expect.stringContaining('buyer used a coupon at Alipay'),
    });
    // resolved once: the second decision is refused
    expectProblem(await resolve(payment.id, { action: 'refund' }), 409, 'illegal_transition');
  });

  it('lets finance refund it through Alipay; the order still waits for the right amount', async () => {
    const { order, payment } = await alipayPayment();
    await postPaid(payment, payment.amount + 500);
    const refunded = await resolve(payment.id, { action: 'refund' }, await t().keyFor('finance'));
    expect(refunded.statusCode, refunded.body).toBe(200);
    expect(refunded.json()).toMatchObject({ status: 'refunded', refundedAmount: payment.amount + 500 });
    const call = alipay().requests.find(
      (r) =>
        r.method === 'alipay.trade.refund' && r.bizContent.out_trade_no === payment.id.replaceAll('-', ''),
    );
    expect(call?.bizContent.refund_amount).toBe(toDecimal(payment.amount + 500, 'CNY'));
    const after = await getOrder(t(), order.id);
    expect(after).toMatchObject({
      status: 'pending_payment',
      paidTotal: payment.amount + 500,
      refundedTotal: payment.amount + 500,
      reviewReason: null,
    });
    // a new intent for the full amount still pays it: money given back does not count
    const again = await t().request({
      method: 'POST',
      url: `/v1/orders/${order.id}/payments`,
      payload: { provider: 'alipay' },
    });
    expect(again.json().amount).toBe(order.totals.grandTotal);
  });

  it('never cancels on timeout an order that has received part of its money; it is flagged instead', async () => {
    const { order } = await twoWarehouseOrder(t(), 'alipay');
    const part = await t().request({
      method: 'POST',
      url: `/v1/orders/${order.id}/payments`,
      payload: { provider: 'alipay', amount: 1000 },
    });
    const payment = part.json();
    expect((await postPaid(payment, 1000)).body).toBe('success');
    expect((await getOrder(t(), order.id)).paidTotal).toBe(1000);
    await cancelOverdueOrders(t().db, farFuture(), t().app.services.orderHooks);
    const after = await getOrder(t(), order.id);
    expect(after).toMatchObject({ status: 'pending_payment', paymentDueAt: null });
    expect(after.reviewReason).toContain(`1000 of ${order.totals.grandTotal} CNY received`);
  });
});
