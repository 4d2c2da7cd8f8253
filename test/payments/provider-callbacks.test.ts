import { createSign, createVerify, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { toDecimal } from '../../src/modules/payments/money-format.js';
import { eventTypes, getOrder, twoWarehouseOrder } from '../helpers/lifecycle.js';
import {
  TEST_WECHAT_API_V3_KEY as API_V3_KEY,
  TEST_ALIPAY_APP_ID as APP_ID,
  alipayNotification,
  TEST_WECHAT_APP_ID,
  TEST_WECHAT_MCH_ID,
  useProviderTestApp,
  wechatNotification,
} from '../helpers/providers.js';
import { expectProblem } from '../helpers/test-app.js';

describe('payment provider callbacks', () => {
  const { t, alipay, wechat } = useProviderTestApp();

  async function alipayPayment() {
    const { order } = await twoWarehouseOrder(t());
    const res = await t().request({
      method: 'POST',
      url: `/v1/orders/${order.id}/payments`,
      payload: { provider: 'alipay' },
    });
    expect(res.statusCode, res.body).toBe(201);
    return { order, payment: res.json() };
  }
  const notify = (payment: { id: string; amount: number }, extra: Record<string, string> = {}) =>
    alipayNotification(
      {
        app_id: APP_ID,
        notify_id: `nid-${payment.id}`,
        notify_type: 'trade_status_sync',
        notify_time: '2026-11-22 10:00:00',
        out_trade_no: payment.id.replaceAll('-', ''),
        trade_no: `2026112222${payment.id.slice(-12)}`,
        trade_status: 'TRADE_SUCCESS',
        total_amount: toDecimal(payment.amount, 'CNY'),
        subject: '订单 OS-261122 纯棉 T 恤',
        body: '蓝色 × 2，白色 × 1',
        ...extra,
      },
      alipay().keys.alipay.privateKey,
    );
  const postAlipay = (body: string) =>
    t().request({
      method: 'POST',
      url: '/v1/callbacks/payments/alipay',
      key: null,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: body,
    });

  it('opens an Alipay page-pay link signed RSA2 by the SDK, and a paid notification pays the order once', async () => {
    const { order, payment } = await alipayPayment();
    const link = new URL(payment.action.url);
    expect(link.searchParams.get('method')).toBe('alipay.trade.page.pay');
    expect(link.searchParams.get('sign_type')).toBe('RSA2');
    // out_trade_no by Alipay's rule (at most 64 letters, digits, underscores), mapped back to our id
    const outTradeNo = JSON.parse(link.searchParams.get('biz_content')!).out_trade_no;
    expect(outTradeNo).toMatch(/^[A-Za-z0-9_]{1,64}$/);
    expect(outTradeNo).toBe(payment.id.replaceAll('-', ''));
    // the timestamp in Beijing time (UTC+8), whatever this machine's zone
    const sent = Date.parse(`${link.searchParams.get('timestamp')!.replace(' ', 'T')}+08:00`);
    expect(Math.abs(sent - Date.now())).toBeLessThan(120_000);
    const signed = [...link.searchParams.entries()]
      .filter(([k]) => k !== 'sign')
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${k}=${v}`)
      .join('&');
    expect(
      createVerify('RSA-SHA256')
        .update(signed)
        .verify(alipay().keys.app.publicKey, link.searchParams.get('sign')!, 'base64'),
    ).toBe(true);

    const body = notify(payment);
    const answers = await Promise.all(Array.from({ length: 10 }, () => postAlipay(body)));
    for (const a of answers) expect([a.statusCode, a.body]).toEqual([200, 'success']);
    expect(await getOrder(t(), order.id)).toMatchObject({
      status: 'paid',
      paidTotal: order.totals.grandTotal,
    });
    const types = await eventTypes(t(), order.id);
    expect(types.filter((e) => e === 'payment.succeeded')).toHaveLength(1);
    // a later TRADE_FINISHED (another notify_id) changes nothing
    expect(
      (await postAlipay(notify(payment, { notify_id: 'finished', trade_status: 'TRADE_FINISHED' }))).body,
    ).toBe('success');
    expect(await eventTypes(t(), order.id)).toEqual(types);
  });

  it('refuses a sign_type=RSA (SHA-1) notification signed with the right key, and changes nothing', async () => {
    const { order, payment } = await alipayPayment();
    const form = new URLSearchParams(notify(payment));
    form.delete('sign');
    form.delete('sign_type');
    const content = [...form.keys()]
      .sort()
      .map((k) => `${k}=${form.get(k)}`)
      .join('&');
    form.set('sign_type', 'RSA');
    form.set('sign', createSign('RSA-SHA1').update(content).sign(alipay().keys.alipay.privateKey, 'base64'));
    expect(expectProblem(await postAlipay(form.toString()), 401, 'unauthorized').detail).toContain('RSA2');
    expect((await getOrder(t(), order.id)).status).toBe('pending_payment');
  });

  it('answers 401 to a bad signature and changes nothing', async () => {
    const { order, payment } = await alipayPayment();
    const res = await postAlipay(
      notify(payment).replace('trade_status=TRADE_SUCCESS', 'trade_status=TRADE_FINISHED'),
    );
    expectProblem(res, 401, 'unauthorized');
    expect((await getOrder(t(), order.id)).status).toBe('pending_payment');
    const rows = await t()
      .db.selectFrom('payment_callbacks')
      .select('id')
      .where('payment_id', '=', payment.id)
      .execute();
    expect(rows).toEqual([]);
  });

  it('answers 404 for an unknown order and stores nothing', async () => {
    const id = randomUUID();
    expectProblem(await postAlipay(notify({ id, amount: 100 })), 404, 'not_found');
    const rows = await t()
      .db.selectFrom('payment_callbacks')
      .select('id')
      .where('message_id', '=', `nid-${id}`)
      .execute();
    expect(rows).toEqual([]);
  });

  it('refunds a payment that arrives after the order was cancelled, through Alipay', async () => {
    const { order, payment } = await alipayPayment();
    await t().request({ method: 'POST', url: `/v1/orders/${order.id}/cancel`, payload: {} });
    expect((await postAlipay(notify(payment))).body).toBe('success');
    const after = await getOrder(t(), order.id);
    expect(after).toMatchObject({
      status: 'cancelled',
      paymentStatus: 'refunded',
      paidTotal: payment.amount,
      refundedTotal: payment.amount,
    });
    expect(after.refunds).toMatchObject([{ amount: payment.amount, status: 'succeeded' }]);
    const call = alipay().requests.find(
      (r) =>
        r.method === 'alipay.trade.refund' && r.bizContent.out_trade_no === payment.id.replaceAll('-', ''),
    );
    expect(call?.bizContent).toMatchObject({
      refund_amount: toDecimal(payment.amount, 'CNY'),
      out_request_no: after.refunds[0].id,
    });
    expect((await eventTypes(t(), order.id)).slice(-2)).toEqual([
      'payment.late_received',
      'payment.refunded',
    ]);
  });

  it('pays through WeChat Pay: Native QR code, then a signed, encrypted TRANSACTION.SUCCESS', async () => {
    const { order } = await twoWarehouseOrder(t());
    const created = await t().request({
      method: 'POST',
      url: `/v1/orders/${order.id}/payments`,
      payload: { provider: 'wechatpay' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const payment = created.json();
    expect(payment.action).toMatchObject({ type: 'qr_code', codeUrl: expect.stringMatching(/^weixin:\/\//) });
    expect(wechat().requests.at(-1)?.authorization).toMatch(/^WECHATPAY2-SHA256-RSA2048 mchid="1900000001"/);

    const resource = {
      mchid: TEST_WECHAT_MCH_ID,
      appid: TEST_WECHAT_APP_ID,
      out_trade_no: payment.id.replaceAll('-', ''),
      transaction_id: '4200000000000000001',
      trade_state: 'SUCCESS',
      amount: { total: payment.amount, currency: 'CNY', payer_total: payment.amount, payer_currency: 'CNY' },
    };
    const post = (n: { body: string; headers: Record<string, string> }) =>
      t().request({
        method: 'POST',
        url: '/v1/callbacks/payments/wechatpay',
        key: null,
        headers: n.headers,
        payload: n.body,
      });
    const make = (now?: Date, id = `EV-${payment.id}`, changes: Record<string, string> = {}) =>
      wechatNotification(
        {
          id,
          eventType: 'TRANSACTION.SUCCESS',
          resource: { ...resource, ...changes },
          apiV3Key: API_V3_KEY,
          serial: wechat().serial,
          privateKey: wechat().platform.privateKey,
        },
        now,
      );

    // refusals in WeChat Pay's format, not RFC 9457: a stale signature, another merchant, a body refused
    const fail = (
      res: { statusCode: number; headers: Record<string, unknown>; body: string },
      status: number,
    ) => {
      expect(res.statusCode, res.body).toBe(status);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      const body = JSON.parse(res.body);
      expect(Object.keys(body)).toEqual(['code', 'message']);
      expect(body.code).toBe('FAIL');
      expect(Array.from(body.message as string).length).toBeLessThanOrEqual(64);
      return body.message as string;
    };
    expect(fail(await post(make(new Date(Date.now() - 400_000))), 401)).toContain('5 minutes');
    const foreign = make(undefined, `EV-X-${payment.id}`, { mchid: '1900000099' });
    expect(fail(await post(foreign), 401)).toContain('merchant 1900000099');
    const otherApp = make(undefined, `EV-Y-${payment.id}`, { appid: 'wx0000000000000099' });
    expect(fail(await post(otherApp), 401)).toContain('app wx0000000000000099');
    fail(await post({ body: 'x'.repeat(10), headers: { 'content-type': 'text/plain' } }), 415);
    expect((await getOrder(t(), order.id)).status).toBe('pending_payment');
    const ok = await post(make());
    expect(ok.statusCode, ok.body).toBe(204);
    expect(await getOrder(t(), order.id)).toMatchObject({
      status: 'paid',
      payments: [{ providerTradeNo: '4200000000000000001' }],
    });

    const refund = await t().request({
      method: 'POST',
      url: `/v1/payments/${payment.id}/refunds`,
      payload: { amount: 100, reason: 'goodwill' },
    });
    expect(refund.statusCode, refund.body).toBe(201);
    expect(refund.json()).toMatchObject({ status: 'succeeded', amount: 100 });
  });
});
