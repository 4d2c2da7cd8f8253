import { describe, expect, it } from 'vitest';
import { buildPaymentProviders, settleDueRefunds } from '../../src/modules/payments/index.js';
import { toDecimal } from '../../src/modules/payments/money-format.js';
import { eventTypes, getOrder, twoWarehouseOrder } from '../helpers/lifecycle.js';
import {
  alipayNotification,
  TEST_ALIPAY_APP_ID,
  TEST_WECHAT_API_V3_KEY,
  TEST_WECHAT_APP_ID,
  TEST_WECHAT_MCH_ID,
  useProviderTestApp,
  wechatNotification,
} from '../helpers/providers.js';

describe('refunds at Alipay and WeChat Pay', () => {
  const { t, alipay, wechat } = useProviderTestApp();

  async function paidWith(provider: 'alipay' | 'wechatpay') {
    const { order } = await twoWarehouseOrder(t());
    const payment = (
      await t().request({ method: 'POST', url: `/v1/orders/${order.id}/payments`, payload: { provider } })
    ).json();
    if (provider === 'alipay') {
      const body = alipayNotification(
        {
          app_id: TEST_ALIPAY_APP_ID,
          notify_id: `nid-${payment.id}`,
          notify_type: 'trade_status_sync',
          out_trade_no: payment.id.replaceAll('-', ''),
          trade_no: `2026${payment.id.slice(-12)}`,
          trade_status: 'TRADE_SUCCESS',
          total_amount: toDecimal(payment.amount, 'CNY'),
        },
        alipay().keys.alipay.privateKey,
      );
      const res = await t().request({
        method: 'POST',
        url: '/v1/callbacks/payments/alipay',
        key: null,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: body,
      });
      expect(res.body).toBe('success');
    } else {
      const res = await wechatPost({
        id: `EV-${payment.id}`,
        eventType: 'TRANSACTION.SUCCESS',
        resource: {
          mchid: TEST_WECHAT_MCH_ID,
          appid: TEST_WECHAT_APP_ID,
          out_trade_no: payment.id.replaceAll('-', ''),
          transaction_id: `42${Date.now()}`,
          trade_state: 'SUCCESS',
          amount: { total: payment.amount, currency: 'CNY' },
        },
      });
      expect(res.statusCode, res.body).toBe(204);
    }
    expect((await getOrder(t(), order.id)).status).toBe('paid');
    return { order, payment };
  }

  const wechatPost = (n: { id: string; eventType: string; resource: object }) => {
    const made = wechatNotification({
      ...n,
      apiV3Key: TEST_WECHAT_API_V3_KEY,
      serial: wechat().serial,
      privateKey: wechat().platform.privateKey,
    });
    return t().request({
      method: 'POST',
      url: '/v1/callbacks/payments/wechatpay',
      key: null,
      headers: made.headers,
      payload: made.body,
    });
  };

  it('refunds a cancelled Alipay order through the refund job (no transaction waits on Alipay)', async () => {
    const { order, payment } = await paidWith('alipay');
    const cancelled = await t().request({
      method: 'POST',
      url: `/v1/orders/${order.id}/cancel`,
      payload: {},
    });
    expect(cancelled.json()).toMatchObject({
      status: 'cancelled',
      paymentStatus: 'paid',
      refunds: [{ status: 'pending' }],
    });
    const settled = await settleDueRefunds(t().db, buildPaymentProviders(t().config.providers), new Date());
    expect(settled).toBeGreaterThanOrEqual(1);
    const after = await getOrder(t(), order.id);
    expect(after).toMatchObject({
      paymentStatus: 'refunded',
      refundedTotal: payment.amount,
      refunds: [{ status: 'succeeded' }],
    });
    expect((await eventTypes(t(), order.id)).slice(-2)).toEqual(['order.cancelled', 'payment.refunded']);
  });

  it('records a refund Alipay refuses as failed, and it no longer counts against the payment', async () => {
    const { order, payment } = await paidWith('alipay');
    alipay().refundCode = '40004';
    try {
      const refused = await t().request({
        method: 'POST',
        url: `/v1/payments/${payment.id}/refunds`,
        payload: { amount: 1000 },
      });
      expect(refused.json()).toMatchObject({
        status: 'failed',
        failureReason: expect.stringContaining('ACQ.TRADE_STATUS_ERROR'),
      });
    } finally {
      alipay().refundCode = '10000';
    }
    const full = await t().request({
      method: 'POST',
      url: `/v1/payments/${payment.id}/refunds`,
      payload: {},
    });
    expect(full.json()).toMatchObject({ status: 'succeeded', amount: payment.amount });
    expect(await getOrder(t(), order.id)).toMatchObject({ status: 'closed', paymentStatus: 'refunded' });
    expect(await eventTypes(t(), order.id)).toContain('payment.refund_failed');
  });

  it('settles a WeChat Pay refund that is still processing when its REFUND.SUCCESS notification arrives', async () => {
    const { order, payment } = await paidWith('wechatpay');
    wechat().refundStatus = 'PROCESSING';
    try {
      const pending = await t().request({
        method: 'POST',
        url: `/v1/payments/${payment.id}/refunds`,
        payload: { amount: 500 },
      });
      expect(pending.json()).toMatchObject({ status: 'pending' });
      const res = await wechatPost({
        id: `EV-RF-${pending.json().id}`,
        eventType: 'REFUND.SUCCESS',
        resource: {
          mchid: TEST_WECHAT_MCH_ID,
          out_refund_no: pending.json().id.replaceAll('-', ''),
          refund_status: 'SUCCESS',
          amount: { refund: 500 },
        },
      });
      expect(res.statusCode, res.body).toBe(204);
    } finally {
      wechat().refundStatus = 'SUCCESS';
    }
    expect(await getOrder(t(), order.id)).toMatchObject({
      paymentStatus: 'partially_refunded',
      refunds: [{ status: 'succeeded' }],
    });
  });

  it('recovers a lost notification by asking Alipay (alipay.trade.query), applied once', async () => {
    const { order } = await twoWarehouseOrder(t());
    const payment = (
      await t().request({
        method: 'POST',
        url: `/v1/orders/${order.id}/payments`,
        payload: { provider: 'alipay' },
      })
    ).json();
    alipay().paidAmount = toDecimal(payment.amount, 'CNY');
    const queried = await t().request({ method: 'POST', url: `/v1/payments/${payment.id}/query` });
    expect(queried.json()).toMatchObject({ status: 'paid', providerTradeNo: 'Q2026' });
    await t().request({ method: 'POST', url: `/v1/payments/${payment.id}/query` });
    expect(await getOrder(t(), order.id)).toMatchObject({ status: 'paid', paidTotal: payment.amount });
    expect((await eventTypes(t(), order.id)).filter((e) => e === 'payment.succeeded')).toHaveLength(1);
  });
});
