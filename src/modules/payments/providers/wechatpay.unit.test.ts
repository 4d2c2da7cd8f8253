import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rsaKeys, wechatNotification } from '../../../../test/helpers/providers.js';
import { decryptWechatResource, verifyWechatSignature } from './wechatpay-crypto.js';
import { parseWechatNotification, type WechatMerchant, wechatRefusal } from './wechatpay-notification.js';

const fixture = (name: string) =>
  fs.readFileSync(new URL(`../../../../test/fixtures/${name}`, import.meta.url), 'utf8');

describe('WeChat Pay v3 notifications', () => {
  it("verifies the Go SDK's signed notification with its platform certificate and decrypts it (16-byte key: AES-128-GCM)", () => {
    const vector = JSON.parse(fixture('wechatpay-notify.sdk-go-test.vector.json'));
    const body = fixture('wechatpay-notify.sdk-go-test.body.json');
    const cert = new X509Certificate(fixture('wechatpay-notify.sdk-go-test.platform-cert.pem'));
    expect(cert.serialNumber).toBe(vector.headers['Wechatpay-Serial']);
    const h = vector.headers;
    const key = cert.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    expect(
      verifyWechatSignature(
        h['Wechatpay-Timestamp'],
        h['Wechatpay-Nonce'],
        body,
        h['Wechatpay-Signature'],
        key,
      ),
    ).toBe(true);
    expect(
      verifyWechatSignature(
        h['Wechatpay-Timestamp'],
        h['Wechatpay-Nonce'],
        `${body} `,
        h['Wechatpay-Signature'],
        key,
      ),
    ).toBe(false);
    expect(decryptWechatResource(JSON.parse(body).resource, vector.mchAPIv3Key)).toBe(
      vector.expectedPlaintext,
    );

    const notice = parseWechatNotification(
      [{ serial: cert.serialNumber, publicKey: key }],
      vector.mchAPIv3Key,
      { mchId: '1900000001', appId: 'wx0000000000000001' },
      {
        headers: Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), String(v)])),
        body,
        now: new Date(vector.testClockUnixSeconds * 1000),
      },
    );
    // a PAYSCORE event: verified and read, nothing to act on
    expect(notice).toMatchObject({ messageId: '3119dfba-e649-5eec-ab1e-3412bc4d2e17', kind: 'ignored' });
  });

  const platform = rsaKeys();
  const apiV3Key = 'a'.repeat(32);
  const keys = [{ serial: 'PUB_KEY_ID_0001', publicKey: platform.publicKey }];
  const resource = JSON.parse(fixture('wechatpay-transaction-resource.decrypted.json'));
  const make = (now = new Date(), privateKey = platform.privateKey) =>
    wechatNotification(
      {
        id: 'EV-1',
        eventType: 'TRANSACTION.SUCCESS',
        resource,
        apiV3Key,
        serial: 'PUB_KEY_ID_0001',
        privateKey,
      },
      now,
    );
  // the merchant and app the fixture's resource names
  const merchant = { mchId: '1230000109', appId: 'wxd678efh567hg6787' };
  const parse = (
    n: { body: string; headers: Record<string, string> },
    now = new Date(),
    us: WechatMerchant = merchant,
  ) => parseWechatNotification(keys, apiV3Key, us, { headers: n.headers, body: n.body, now });

  it('accepts a notification made byte for byte as WeChat Pay makes it (AES-256-GCM resource)', () => {
    expect(parse(make())).toMatchObject({
      kind: 'paid',
      paymentId: '1217752501201407033233368018',
      amount: 100,
      currency: 'CNY',
      providerTradeNo: '1217752501201407033233368018',
    });
  });

  it('refuses a tampered body, a tampered signature, another key, an unknown serial and a stale timestamp', () => {
    const n = make();
    expect(() => parse({ ...n, body: n.body.replace('"EV-1"', '"EV-2"') })).toThrow(/signature/);
    const sig = n.headers['wechatpay-signature'];
    expect(() =>
      parse({
        ...n,
        headers: { ...n.headers, 'wechatpay-signature': (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1) },
      }),
    ).toThrow(/signature/);
    expect(() => parse(make(new Date(), rsaKeys().privateKey))).toThrow(/signature/);
    expect(() => parse({ ...n, headers: { ...n.headers, 'wechatpay-serial': 'OTHER' } })).toThrow(/serial/);
    const old = make(new Date(Date.now() - 301_000));
    expect(() => parse(old)).toThrow(/5 minutes/);
    expect(() => parse(make(), new Date(Date.now() + 301_000))).toThrow(/5 minutes/);
  });

  it('refuses a notification WeChat Pay signed for another merchant or another app', () => {
    const n = make();
    expect(() => parse(n, new Date(), { ...merchant, mchId: '1900000002' })).toThrow(/merchant 1230000109/);
    expect(() => parse(n, new Date(), { ...merchant, appId: 'wx0000000000000002' })).toThrow(
      /app wxd678efh567hg6787/,
    );
    const refund = wechatNotification({
      id: 'EV-R',
      eventType: 'REFUND.SUCCESS',
      resource: { mchid: '1900000002', out_trade_no: 'x', out_refund_no: 'y', refund_status: 'SUCCESS' },
      apiV3Key,
      serial: 'PUB_KEY_ID_0001',
      privateKey: platform.privateKey,
    });
    expect(() => parse(refund)).toThrow(/merchant 1900000002/);
    expect(parse(refund, new Date(), { ...merchant, mchId: '1900000002' }).kind).toBe('refund_succeeded');
  });

  it("answers a refusal in WeChat Pay's own format, the message cut to 64 characters", () => {
    const answer = wechatRefusal(401, `签名${'x'.repeat(100)}`);
    expect(answer).toMatchObject({ status: 401, type: 'application/json' });
    const body = JSON.parse(answer.body);
    expect(Object.keys(body)).toEqual(['code', 'message']);
    expect(body.code).toBe('FAIL');
    expect(Array.from(body.message)).toHaveLength(64);
    expect(body.message.startsWith('签名x')).toBe(true);
  });
});
