import { describe, expect, it } from 'vitest';
import { cancelOverdueOrders } from '../../src/modules/orders/order-commands.js';
import { buildPaymentProviders, closeDueTrades } from '../../src/modules/payments/index.js';
import { getOrder, twoWarehouseOrder } from '../helpers/lifecycle.js';
import { TEST_WECHAT_MCH_ID, useProviderTestApp } from '../helpers/providers.js';

describe('closing the trade at the provider when an unpaid order is cancelled', () => {
  const { t, alipay, wechat } = useProviderTestApp();
  const providers = () => buildPaymentProviders(t().config.providers);

  async function openIntent(provider: 'alipay' | 'wechatpay' | 'sandbox') {
    const { order } = await twoWarehouseOrder(t(), provider);
    const res = await t().request({
      method: 'POST',
      url: `/v1/orders/${order.id}/payments`,
      payload: { provider },
    });
    expect(res.statusCode, res.body).toBe(201);
    return { order, payment: res.json(), tradeNo: res.json().id.replaceAll('-', '') as string };
  }
  const closeState = (id: string) =>
    t()
      .db.selectFrom('payments')
      .select(['status', 'close_status', 'close_attempts', 'close_due_at', 'close_note'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();

  it('closes an Alipay trade (alipay.trade.close) after the unpaid-order timeout cancelled it, not inside its transaction', async () => {
    const { order, payment, tradeNo } = await openIntent('alipay');
    const closes = () =>
      alipay().requests.filter(
        (r) => r.method === 'alipay.trade.close' && r.bizContent.out_trade_no === tradeNo,
      );
    await cancelOverdueOrders(t().db, new Date(Date.now() + 86400_000), t().app.services.orderHooks);
    expect((await getOrder(t(), order.id)).status).toBe('cancelled');
    // the cancel only marked the close as due: nothing was sent while the order's transaction ran
    expect(closes()).toEqual([]);
    expect(await closeState(payment.id)).toMatchObject({ status: 'cancelled', close_status: 'pending' });

    expect(await closeDueTrades(t().db, providers(), new Date())).toBeGreaterThanOrEqual(1);
    expect(closes()).toHaveLength(1);
    expect(await closeState(payment.id)).toMatchObject({ close_status: 'closed', close_due_at: null });
    const timeline = (await getOrder(t(), order.id)).timeline;
    expect(timeline.at(-1)).toMatchObject({ kind: 'payment.trade_closed', actor: 'provider:alipay' });
    // closed once: later runs send nothing more
    await closeDueTrades(t().db, providers(), new Date(Date.now() + 7200_000));
    expect(closes()).toHaveLength(1);
  });

  it('closes a WeChat Pay order (POST …/out-trade-no/{no}/close) after a cancel, trying again with backoff when WeChat Pay fails', async () => {
    const { order, payment, tradeNo } = await openIntent('wechatpay');
    const path = `/v3/pay/transactions/out-trade-no/${tradeNo}/close`;
    const closes = () => wechat().requests.filter((r) => r.path === path);
    const cancelled = await t().request({
      method: 'POST',
      url: `/v1/orders/${order.id}/cancel`,
      payload: {},
    });
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', payments: [{ status: 'cancelled' }] });
    expect(closes()).toEqual([]);

    const now = Date.now();
    wechat().closeStatus = 500;
    try {
      await closeDueTrades(t().db, providers(), new Date(now));
    } finally {
      wechat().closeStatus = 204;
    }
    expect(closes()).toHaveLength(1);
    const failed = await closeState(payment.id);
    expect(failed).toMatchObject({ close_status: 'pending', close_attempts: 1 });
    expect(failed.close_note).toContain('SYSTEM_ERROR');
    expect(failed.close_due_at!.getTime()).toBeGreaterThanOrEqual(now + 59_000);
    // not due again yet
    await closeDueTrades(t().db, providers(), new Date(now + 1000));
    expect(closes()).toHaveLength(1);

    await closeDueTrades(t().db, providers(), new Date(now + 61_000));
    expect(closes()).toHaveLength(2);
    const sent = closes()[1]!;
    expect(sent.method).toBe('POST');
    expect(JSON.parse(sent.body)).toEqual({ mchid: TEST_WECHAT_MCH_ID });
    expect(sent.authorization).toMatch(/^WECHATPAY2-SHA256-RSA2048 mchid="1900000001"/);
    expect(await closeState(payment.id)).toMatchObject({ close_status: 'closed', close_attempts: 2 });
  });

  it('has nothing to close for a sandbox intent', async () => {
    const { order, payment } = await openIntent('sandbox');
    await t().request({ method: 'POST', url: `/v1/orders/${order.id}/cancel`, payload: {} });
    expect(await closeState(payment.id)).toMatchObject({ status: 'cancelled', close_status: null });
  });
});
