import { AppError } from '../../../platform/errors.js';
import { ownValue } from '../../../platform/own-value.js';
import type { WechatPayPlatformKey } from '../../../platform/provider-config.js';
import type { CallbackInput, NoticeKind, ProviderNotice } from '../payment-provider.js';
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

/** WeChat Pay trade numbers are at most 32 characters, so our UUIDs travel without their dashes. */
export const restoreUuid = (hex: string) =>
  /^[0-9a-f]{32}$/i.test(hex)
    ? `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
    : hex;

const REFUND_KIND: Record<string, NoticeKind> = {
  'REFUND.SUCCESS': 'refund_succeeded',
  'REFUND.ABNORMAL': 'refund_failed',
  'REFUND.CLOSED': 'refund_failed',
};

/**
 * Verifies a WeChat Pay v3 notification (SHA256withRSA over `timestamp\nnonce\nbody\n` with the
 * platform key named by Wechatpay-Serial, timestamp within 5 minutes), then decrypts its resource.
 */
export function parseWechatNotification(
  keys: readonly WechatPayPlatformKey[],
  apiV3Key: string,
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
  if (envelope.event_type === 'TRANSACTION.SUCCESS') {
    const amount = resource.amount as { total?: number; currency?: string } | undefined;
    return {
      ...base,
      kind: resource.trade_state === 'SUCCESS' ? 'paid' : 'ignored',
      paymentId: restoreUuid(String(resource.out_trade_no)),
      amount: amount?.total,
      currency: amount?.currency ?? 'CNY',
      providerTradeNo: resource.transaction_id as string | undefined,
    };
  }
  const refundKind = ownValue(REFUND_KIND, String(envelope.event_type));
  if (refundKind) return { ...base, kind: refundKind, refundId: restoreUuid(String(resource.out_refund_no)) };
  return { ...base, kind: 'ignored' };
}
