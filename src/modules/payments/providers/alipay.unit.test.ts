import { createSign } from 'node:crypto';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { alipayNotification, rsaKeys } from '../../../../test/helpers/providers.js';
import { alipaySdk, alipayTimestamp, parseAlipayNotification } from './alipay.js';

const fixture = (name: string) =>
  fs.readFileSync(new URL(`../../../../test/fixtures/${name}`, import.meta.url), 'utf8');
const now = new Date();

/** The SDK test notification as it arrives on the wire: form-encoded, fund_bill_list a JSON string. */
function wireForm(file: string) {
  const n = JSON.parse(fixture(file));
  return new URLSearchParams({ ...n, fund_bill_list: JSON.stringify(n.fund_bill_list) }).toString();
}

describe('Alipay notification signatures (official alipay-sdk)', () => {
  const sdkWith = (alipayPublicKey: string, appId = '2019073166072302') =>
    alipaySdk({
      appId,
      privateKey: rsaKeys().privateKey,
      alipayPublicKey,
      gateway: 'http://127.0.0.1:9/gateway.do',
    });

  it("verifies the SDK's real TRADE_SUCCESS notification with its public key, over the documented string", () => {
    const key = fixture('alipay-notify-public-key.sdk-test.pem');
    const sdk = sdkWith(key);
    const notice = parseAlipayNotification(sdk, '2019073166072302', {
      headers: {},
      body: wireForm('alipay-notify-trade-success.sdk-test.json'),
      now,
    });
    expect(notice).toMatchObject({
      messageId: '2019081500222155624068450559358070',
      kind: 'paid',
      paymentId: '20190815155618536-564-57',
      amount: 10,
      currency: 'CNY',
      providerTradeNo: '2019081522001468450512505578',
    });
    // the signing string the fixture documents is what the signature covers
    const signed = fixture('alipay-notify-trade-success.sdk-test.signing-string.txt').replace(/\n$/, '');
    const n = JSON.parse(fixture('alipay-notify-trade-success.sdk-test.json'));
    expect(sdk.rsaCheck(signed, n.sign, 'RSA2')).toBe(true);
  });

  it("refuses the SDK's bad-signature notification", () => {
    const sdk = sdkWith(fixture('alipay-notify-public-key.sdk-test.pem'), '2018121762595097');
    expect(() =>
      parseAlipayNotification(sdk, '2018121762595097', {
        headers: {},
        body: wireForm('alipay-notify-trade-success.bad-signature.sdk-test.json'),
        now,
      }),
    ).toThrow(/signature/);
  });

  const alipay = rsaKeys();
  const params = {
    app_id: '2021000000000001',
    notify_id: 'n-1',
    notify_type: 'trade_status_sync',
    notify_time: '2026-11-22 10:00:00',
    out_trade_no: '0193f000000070008000000000000001',
    trade_no: '2026112222001400000000000001',
    trade_status: 'TRADE_SUCCESS',
    total_amount: '128.50',
    subject: '订单 OS-261122-000001',
    body: '纯棉 T 恤 × 2，蓝色',
    charset: 'utf-8',
    version: '1.0',
  };
  const sdk = sdkWith(alipay.publicKey, params.app_id);
  const parse = (body: string) => parseAlipayNotification(sdk, params.app_id, { headers: {}, body, now });

  it('accepts a notification signed the way Alipay signs, with Chinese text and spaces, and maps out_trade_no back to our id', () => {
    expect(parse(alipayNotification(params, alipay.privateKey))).toMatchObject({
      kind: 'paid',
      amount: 12850,
      paymentId: '0193f000-0000-7000-8000-000000000001',
    });
  });

  it('accepts RSA2 only: a sign_type=RSA (SHA-1) notification is refused even though its signature verifies', () => {
    const content = Object.keys(params)
      .sort()
      .map((k) => `${k}=${params[k as keyof typeof params]}`)
      .join('&');
    const sha1 = createSign('RSA-SHA1').update(content, 'utf8').sign(alipay.privateKey, 'base64');
    // the SDK alone takes the algorithm from the message and would accept it
    expect(sdk.checkNotifySignV2({ ...params, sign_type: 'RSA', sign: sha1 })).toBe(true);
    const form = new URLSearchParams({ ...params, sign_type: 'RSA', sign: sha1 }).toString();
    expect(() => parse(form)).toThrow(/Only RSA2/);
    const noType = new URLSearchParams(alipayNotification(params, alipay.privateKey));
    noType.delete('sign_type');
    expect(() => parse(noType.toString())).toThrow(/Only RSA2/);
  });

  it('writes the timestamp Alipay is sent in Beijing time, whatever the server time zone', () => {
    expect(alipayTimestamp(new Date('2026-11-22T20:30:05Z'))).toBe('2026-11-23 04:30:05');
    expect(alipayTimestamp(new Date('2026-06-30T15:59:59.999Z'))).toBe('2026-06-30 23:59:59');
  });

  it('refuses a tampered body, a tampered signature and another key', () => {
    const good = alipayNotification(params, alipay.privateKey);
    expect(() => parse(good.replace('total_amount=128.50', 'total_amount=1.00'))).toThrow(/signature/);
    const form = new URLSearchParams(good);
    const sign = form.get('sign')!;
    form.set('sign', (sign[0] === 'A' ? 'B' : 'A') + sign.slice(1));
    expect(() => parse(form.toString())).toThrow(/signature/);
    expect(() => parse(alipayNotification(params, rsaKeys().privateKey))).toThrow(/signature/);
  });

  it('refuses a notification for another app even when Alipay signed it', () => {
    expect(() =>
      parse(alipayNotification({ ...params, app_id: '2021000000000999' }, alipay.privateKey)),
    ).toThrow(/app/);
  });

  it('reads TRADE_CLOSED as closed and refund notices as nothing to do', () => {
    expect(
      parse(alipayNotification({ ...params, trade_status: 'TRADE_CLOSED' }, alipay.privateKey)).kind,
    ).toBe('closed');
    const refund = {
      ...params,
      notify_id: 'n-2',
      out_biz_no: 'rf-1',
      refund_fee: '10.00',
      gmt_refund: '2026-11-22 11:00:00',
    };
    expect(parse(alipayNotification(refund, alipay.privateKey)).kind).toBe('ignored');
  });
});
