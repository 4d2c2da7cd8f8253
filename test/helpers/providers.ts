import { createCipheriv, createSign, generateKeyPairSync, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { signSandboxEvent } from '../../src/modules/payments/providers/sandbox.js';
import { loadConfig } from '../../src/platform/config.js';
import type { ProviderConfig } from '../../src/platform/provider-config.js';
import { createTestApp, type TestApp } from './test-app.js';

/** A fresh RSA key pair as PEM strings (tests make their own; no real keys anywhere). */
export function rsaKeys() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

export const rsaSign = (text: string, privateKey: string) =>
  createSign('RSA-SHA256').update(text, 'utf8').sign(privateKey, 'base64');

/**
 * What Alipay posts to notify_url: the parameters, sign_type=RSA2, and sign = SHA256withRSA over the
 * other parameters (without sign and sign_type) sorted by key and joined as k=v&…, form-encoded.
 */
export function alipayNotification(params: Record<string, string>, alipayPrivateKey: string): string {
  const content = Object.keys(params)
    .filter((k) => k !== 'sign' && k !== 'sign_type')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
  return new URLSearchParams({
    ...params,
    sign_type: 'RSA2',
    sign: rsaSign(content, alipayPrivateKey),
  }).toString();
}

/** A WeChat Pay v3 notification: resource encrypted with AEAD_AES_256_GCM, headers signed by the platform key. */
export function wechatNotification(
  input: {
    id: string;
    eventType: string;
    resource: object;
    apiV3Key: string;
    serial: string;
    privateKey: string;
  },
  now = new Date(),
) {
  const nonce = randomBytes(6).toString('hex');
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(input.apiV3Key), Buffer.from(nonce));
  cipher.setAAD(Buffer.from('transaction'));
  const ciphertext = Buffer.concat([
    cipher.update(JSON.stringify(input.resource)),
    cipher.final(),
    cipher.getAuthTag(),
  ]);
  const body = JSON.stringify({
    id: input.id,
    create_time: now.toISOString(),
    resource_type: 'encrypt-resource',
    event_type: input.eventType,
    summary: '支付成功',
    resource: {
      original_type: 'transaction',
      algorithm: 'AEAD_AES_256_GCM',
      ciphertext: ciphertext.toString('base64'),
      associated_data: 'transaction',
      nonce,
    },
  });
  const timestamp = String(Math.floor(now.getTime() / 1000));
  const headerNonce = randomBytes(16).toString('hex');
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'wechatpay-timestamp': timestamp,
      'wechatpay-nonce': headerNonce,
      'wechatpay-serial': input.serial,
      'wechatpay-signature': rsaSign(`${timestamp}\n${headerNonce}\n${body}\n`, input.privateKey),
    },
  };
}

export interface FakeAlipay {
  url: string;
  keys: { app: ReturnType<typeof rsaKeys>; alipay: ReturnType<typeof rsaKeys> };
  requests: { method: string; bizContent: Record<string, string> }[];
  /** What alipay.trade.refund answers next (code 10000 by default). */
  refundCode: string;
  /** What alipay.trade.query reports as paid (total_amount). */
  paidAmount: string;
  /** What alipay.trade.close answers next: 10000, or 20000 (service unavailable: try again). */
  closeCode: string;
  close(): Promise<void>;
}

/**
 * A local stand-in for Alipay's gateway speaking its wire format: a form POST with the method in the
 * query, a JSON answer `{"<method>_response": {…}, "sign": "…"}` signed with "Alipay's" key.
 */
export async function startFakeAlipay(): Promise<FakeAlipay> {
  const fake = { requests: [], refundCode: '10000', closeCode: '10000' } as unknown as FakeAlipay;
  fake.keys = { app: rsaKeys(), alipay: rsaKeys() };
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      const query = new URL(req.url ?? '/', 'http://x').searchParams;
      const method = query.get('method') ?? '';
      const form = new URLSearchParams(raw);
      const bizContent = JSON.parse(form.get('biz_content') ?? '{}');
      fake.requests.push({ method, bizContent });
      const inner =
        method === 'alipay.trade.close'
          ? fake.closeCode === '10000'
            ? {
                code: '10000',
                msg: 'Success',
                trade_no: `2026${Date.now()}`,
                out_trade_no: bizContent.out_trade_no,
              }
            : {
                code: fake.closeCode,
                msg: 'Service Currently Unavailable',
                sub_code: 'aop.ACQ.SYSTEM_ERROR',
                sub_msg: 'busy',
              }
          : method === 'alipay.trade.refund'
            ? fake.refundCode === '10000'
              ? {
                  code: '10000',
                  msg: 'Success',
                  trade_no: `2026${Date.now()}`,
                  out_trade_no: bizContent.out_trade_no,
                  refund_fee: bizContent.refund_amount,
                  fund_change: 'Y',
                }
              : {
                  code: fake.refundCode,
                  msg: 'Business Failed',
                  sub_code: 'ACQ.TRADE_STATUS_ERROR',
                  sub_msg: 'trade status error',
                }
            : {
                code: '10000',
                msg: 'Success',
                out_trade_no: bizContent.out_trade_no,
                trade_status: 'TRADE_SUCCESS',
                total_amount: fake.paidAmount,
                trade_no: 'Q2026',
              };
      const innerJson = JSON.stringify(inner);
      const key = `${method.replaceAll('.', '_')}_response`;
      res.setHeader('content-type', 'application/json;charset=utf-8');
      res.end(`{"${key}":${innerJson},"sign":"${rsaSign(innerJson, fake.keys.alipay.privateKey)}"}`);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/gateway.do`;
  fake.close = () => new Promise((r) => server.close(() => r()));
  return fake;
}

/** Test provider settings: sandbox, Kuaidi100 and generic carrier secrets, and whatever is given. */
export function providerConfig(overrides: Partial<ProviderConfig> = {}): ProviderConfig {
  return {
    ...loadConfig({ LOG_LEVEL: 'silent' }).providers,
    sandboxSecret: 'test-sandbox-secret',
    kuaidi100Salt: 'test-kuaidi100-salt',
    carrierSecret: 'test-carrier-secret',
    ...overrides,
  };
}

export interface FakeWechat {
  url: string;
  serial: string;
  platform: ReturnType<typeof rsaKeys>;
  merchant: ReturnType<typeof rsaKeys>;
  requests: { method: string; path: string; authorization: string; body: string }[];
  /** What a refund request answers: SUCCESS, or PROCESSING (then a REFUND.* notification settles it). */
  refundStatus: string;
  /** The HTTP status a close-order request gets: 204 (closed), or 500 (SYSTEM_ERROR, try again). */
  closeStatus: number;
  /** The HTTP status a Native order gets: 200 (a code_url), or 500 (SYSTEM_ERROR). */
  nativeStatus: number;
  close(): Promise<void>;
}

/** A local stand-in for the WeChat Pay v3 API: answers signed with the platform key, as WeChat Pay does. */
export async function startFakeWechat(): Promise<FakeWechat> {
  const fake = {
    serial: 'PUB_KEY_ID_TEST',
    platform: rsaKeys(),
    merchant: rsaKeys(),
    requests: [],
    refundStatus: 'SUCCESS',
    closeStatus: 204,
    nativeStatus: 200,
  } as unknown as FakeWechat;
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c) => {
      raw += c;
    });
    req.on('end', () => {
      fake.requests.push({
        method: req.method ?? '',
        path: req.url ?? '',
        authorization: String(req.headers.authorization),
        body: raw,
      });
      const closing = /^\/v3\/pay\/transactions\/out-trade-no\/\w+\/close$/.test(req.url ?? '');
      const native = req.url?.startsWith('/v3/pay/transactions/native');
      const status = closing ? fake.closeStatus : native ? fake.nativeStatus : 200;
      const body =
        status >= 500
          ? JSON.stringify({ code: 'SYSTEM_ERROR', message: '系统错误' })
          : closing
            ? ''
            : native
              ? JSON.stringify({ code_url: `weixin://wxpay/bizpayurl?pr=${randomBytes(4).toString('hex')}` })
              : JSON.stringify({ refund_id: `5030${Date.now()}`, status: fake.refundStatus });
      const timestamp = String(Math.floor(Date.now() / 1000));
      const nonce = randomBytes(16).toString('hex');
      res.writeHead(status, {
        'content-type': 'application/json',
        'wechatpay-timestamp': timestamp,
        'wechatpay-nonce': nonce,
        'wechatpay-serial': fake.serial,
        'wechatpay-signature': rsaSign(`${timestamp}\n${nonce}\n${body}\n`, fake.platform.privateKey),
      });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  fake.close = () => new Promise((r) => server.close(() => r()));
  return fake;
}

export const TEST_ALIPAY_APP_ID = '2021000000000001';
export const TEST_WECHAT_MCH_ID = '1900000001';
export const TEST_WECHAT_APP_ID = 'wx0000000000000001';
export const TEST_WECHAT_API_V3_KEY = 'k'.repeat(32);

/**
 * One app per test file with Alipay and WeChat Pay configured against local stand-ins of their
 * gateways (keys made for the run). Built before the file's tests, closed after.
 */
export function useProviderTestApp() {
  let state: { app: TestApp; alipay: FakeAlipay; wechat: FakeWechat } | undefined;
  beforeAll(async () => {
    const [alipay, wechat] = await Promise.all([startFakeAlipay(), startFakeWechat()]);
    const app = await createTestApp({
      providers: providerConfig({
        alipay: {
          appId: TEST_ALIPAY_APP_ID,
          privateKey: alipay.keys.app.privateKey,
          alipayPublicKey: alipay.keys.alipay.publicKey,
          gateway: alipay.url,
        },
        wechatpay: {
          mchId: TEST_WECHAT_MCH_ID,
          appId: TEST_WECHAT_APP_ID,
          apiV3Key: TEST_WECHAT_API_V3_KEY,
          privateKey: wechat.merchant.privateKey,
          certSerial: 'MERCHANT-SERIAL',
          platformKeys: [{ serial: wechat.serial, publicKey: wechat.platform.publicKey }],
          apiBase: wechat.url,
        },
      }),
    });
    state = { app, alipay, wechat };
  });
  afterAll(async () => {
    await state?.app.app.close();
    await state?.app.database.close();
    await Promise.all([state?.alipay.close(), state?.wechat.close()]);
  });
  const get = () => {
    if (!state) throw new Error('useProviderTestApp: call the getters inside a test');
    return state;
  };
  return { t: () => get().app, alipay: () => get().alipay, wechat: () => get().wechat };
}

/** A sandbox notification posted as the sandbox sends it: the JSON body signed with `secret` (the app's by default). */
export function postSandboxCallback(t: TestApp, body: string, secret = t.config.providers.sandboxSecret!) {
  return t.request({
    method: 'POST',
    url: '/v1/callbacks/payments/sandbox',
    key: null,
    headers: {
      'content-type': 'application/json',
      'sandbox-signature': signSandboxEvent(secret, body, new Date()),
    },
    payload: body,
  });
}
