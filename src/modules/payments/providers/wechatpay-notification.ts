import { AppError } from '../../../platform/errors.js';
import { ownValue } from '../../../platform/own-value.js';
import type { WechatPayPlatformKey } from '../../../platform/provider-config.js';
import type { CallbackAnswer, CallbackInput, NoticeKind, ProviderNotice } from '../payment-provider.js';
import { fromTradeNo } from './trade-numbers.js';
import { decryptWechatResource, type EncryptedResource, verifyWechatSignature } from './wechatpay-crypto.js';

/** WeChat Pay rejects, and so do we, a signature whose timestamp is more than 5 minutes off. */
export const WECHAT_MAX_SKEW_SECONDS = 300;

const header = (input: CallbackInput, name: string) => {
  const v = input.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

interface Envelope {
  id: string;
  event_type: string;
  resource: EncryptedResource;
}

const REFUND_KIND: Record<string, NoticeKind> = {
  'REFUND.SUCCESS': 'refund_succeeded',
  'REFUND.ABNORMAL': 'refund_failed',
  'REFUND.CLOSED': 'refund_failed',
};

/**
 * WeChat Pay's answer to a notification we did not take: a 4xx/5xx with `{"code":"FAIL","message":…}`,
 * the message at most 64 characters. WeChat Pay then sends it again later.
 */
export function wechatRefusal(status: number, message: string): CallbackAnswer {
  return {
    status,
    type: 'application/json',
    body: JSON.stringify({ code: 'FAIL', message: Array.from(message).slice(0, 64).join('') }),
  };
}

/** Who we are at WeChat Pay: a resource for another merchant or app is not ours to act on. */
export interface WechatMerchant {
  mchId: string;
  appId: string;
}

/**
 * Verifies a WeChat Pay v3 notification (SHA256withRSA over `timestamp\nnonce\nbody\n` with the
 * platform key named by Wechatpay-Serial, timestamp within 5 minutes), then decrypts its resource
 * and checks that it names our merchant (`mchid`) and, for a payment, our app (`appid`).
 */
export function parseWechatNotification(
  keys: readonly WechatPayPlatformKey[],
  apiV3Key: string,
  merchant: WechatMerchant,
  input: CallbackInput,
): ProviderNotice {
  const timestamp = header(input, 'wechatpay-timestamp');
  const nonce = header(input, 'wechatpay-nonce');
  const signature = header(input, 'wechatpay-signature');
  const serial = header(input, 'wechatpay-serial');
  if (!timestamp || !nonce || !signature || !serial) {
    throw new AppError('unauthorized', 'Wechatpay-Timestamp, -Nonce, -Signature and -Serial are required');
  }
  if (
    !/^\d{1,12}$/.test(timestamp) ||
    Math.abs(input.now.getTime() / 1000 - Number(timestamp)) > WECHAT_MAX_SKEW_SECONDS
  ) {
    throw new AppError('unauthorized', 'Wechatpay-Timestamp is more than 5 minutes off');
  }
  const key = keys.find((k) => k.serial.toUpperCase() === serial.toUpperCase());
  if (!key) throw new AppError('unauthorized', `No WeChat Pay platform key has serial ${serial}`);
  if (!verifyWechatSignature(timestamp, nonce, input.body, signature, key.publicKey)) {
    throw new AppError('unauthorized', 'The WeChat Pay signature does not verify');
  }
  let envelope: Envelope;
  let resource: Record<string, unknown>;
  try {
    envelope = JSON.parse(input.body);
    resource = JSON.parse(decryptWechatResource(envelope.resource, apiV3Key));
  } catch {
    // signed by WeChat Pay but not readable with our APIv3 key: not ours to act on
    throw new AppError('unauthorized', 'The WeChat Pay resource does not decrypt with the APIv3 key');
  }
  const base = { messageId: String(envelope.id), payload: { ...envelope, resource } };
  const refundKind = ownValue(REFUND_KIND, String(envelope.event_type));
  const isTransaction = envelope.event_type === 'TRANSACTION.SUCCESS';
  if (isTransaction || refundKind) {
    // a platform key can sign for several merchants (service providers): the resource says whose it is
    if (resource.mchid !== merchant.mchId) {
      throw new AppError(
        'unauthorized',
        `The notification is for merchant ${String(resource.mchid)}, not this one`,
      );
    }
    if (isTransaction && resource.appid !== merchant.appId) {
      throw new AppError(
        'unauthorized',
        `The notification is for app ${String(resource.appid)}, not this one`,
      );
    }
  }
  if (isTransaction) {
    const amount = resource.amount as { total?: number; currency?: string } | undefined;
    return {
      ...base,
      kind: resource.trade_state === 'SUCCESS' ? 'paid' : 'ignored',
      paymentId: fromTradeNo(String(resource.out_trade_no)),
      amount: amount?.total,
      currency: amount?.currency ?? 'CNY',
      providerTradeNo: resource.transaction_id as string | undefined,
    };
  }
  if (refundKind) return { ...base, kind: refundKind, refundId: fromTradeNo(String(resource.out_refund_no)) };
  return { ...base, kind: 'ignored' };
}
