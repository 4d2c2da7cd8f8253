import { AlipaySdk } from 'alipay-sdk';
import { AppError } from '../../../platform/errors.js';
import { ownValue } from '../../../platform/own-value.js';
import type { AlipayConfig } from '../../../platform/provider-config.js';
import { fromDecimal, toDecimal } from '../money-format.js';
import type {
  CallbackInput,
  CloseResult,
  NoticeKind,
  PaymentProvider,
  ProviderNotice,
} from '../payment-provider.js';
import { fromTradeNo, toTradeNo, tradeNoOf } from './trade-numbers.js';

/** Alipay's trade statuses, as a notification or a query names them. */
const TRADE_KIND: Record<string, NoticeKind> = {
  TRADE_SUCCESS: 'paid',
  TRADE_FINISHED: 'paid',
  TRADE_CLOSED: 'closed',
  WAIT_BUYER_PAY: 'ignored',
};

/**
 * Alipay's `timestamp` request parameter: "yyyy-MM-dd HH:mm:ss" in Beijing time (UTC+8, no daylight
 * saving), whatever the server's own time zone; Alipay refuses requests too far from its clock.
 */
export function alipayTimestamp(now: Date): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/**
 * Reads an Alipay asynchronous notification (notify_url, form-encoded). Only RSA2 is accepted: the
 * SDK would take the algorithm from the message's own sign_type, so a notification claiming `RSA`
 * (SHA-1) is refused before it is verified. The official SDK verifies it: RSA2 over the parameters
 * without sign and sign_type, sorted, joined as k=v&… with the values as decoded from the form
 * (checkNotifySignV2 does not decode them a second time).
 */
export function parseAlipayNotification(sdk: AlipaySdk, appId: string, input: CallbackInput): ProviderNotice {
  const params = Object.fromEntries(new URLSearchParams(input.body));
  if (params.sign_type !== 'RSA2') {
    throw new AppError(
      'unauthorized',
      `Only RSA2 notifications are accepted, not sign_type ${params.sign_type ?? '(none)'}`,
    );
  }
  if (!params.sign || !sdk.checkNotifySignV2(params)) {
    throw new AppError('unauthorized', 'The Alipay notification signature does not verify');
  }
  if (params.app_id !== appId) {
    throw new AppError('unauthorized', `The notification is for app ${params.app_id}, not this one`);
  }
  if (!params.notify_id) throw new AppError('validation_failed', 'The notification has no notify_id');
  // A refund also sends a trade_status_sync (with refund_fee); refunds here are settled by the refund
  // API's answer, so that notice changes nothing.
  const isRefund = params.out_biz_no !== undefined || params.gmt_refund !== undefined;
  const currency = params.trans_currency ?? 'CNY';
  return {
    messageId: params.notify_id,
    kind: isRefund ? 'ignored' : (ownValue(TRADE_KIND, params.trade_status ?? '') ?? 'ignored'),
    paymentId: params.out_trade_no === undefined ? undefined : fromTradeNo(params.out_trade_no),
    amount: fromDecimal(params.total_amount, currency),
    currency,
    providerTradeNo: params.trade_no,
    payload: params,
  };
}

export function alipaySdk(config: AlipayConfig): AlipaySdk {
  return new AlipaySdk({
    appId: config.appId,
    privateKey: config.privateKey,
    alipayPublicKey: config.alipayPublicKey,
    gateway: config.gateway,
    keyType: config.privateKey.includes('BEGIN PRIVATE KEY') ? 'PKCS8' : 'PKCS1',
    signType: 'RSA2',
  });
}

export function alipayProvider(config: AlipayConfig, notifyUrl: string): PaymentProvider {
  const sdk = alipaySdk(config);
  return {
    name: 'alipay',
    local: false,
    async create(intent) {
      // A signed page-pay link (RSA2 over the request parameters, by the SDK); nothing is sent yet.
      const url = sdk.pageExecute('alipay.trade.page.pay', 'GET', {
        bizContent: {
          outTradeNo: toTradeNo(intent.id),
          totalAmount: toDecimal(intent.amount, intent.currency),
          subject: `Order ${intent.orderNumber}`,
          productCode: 'FAST_INSTANT_TRADE_PAY',
        },
        notifyUrl,
        timestamp: alipayTimestamp(new Date()),
      });
      return { providerRef: toTradeNo(intent.id), action: { type: 'redirect', url } };
    },
    parseCallback: (input) => parseAlipayNotification(sdk, config.appId, input),
    acknowledgement: { status: 200, type: 'text/plain', body: 'success' },
    async query(payment) {
      const r = await sdk.exec(
        'alipay.trade.query',
        { bizContent: { outTradeNo: tradeNoOf(payment) }, timestamp: alipayTimestamp(new Date()) },
        { validateSign: true },
      );
      const kind = r.code === '10000' ? ownValue(TRADE_KIND, String(r.tradeStatus)) : undefined;
      return {
        kind: kind === 'paid' ? 'paid' : kind === 'closed' ? 'closed' : 'pending',
        amount: fromDecimal(r.totalAmount, payment.currency),
        currency: payment.currency,
        providerTradeNo: r.tradeNo,
      };
    },
    async close(payment): Promise<CloseResult> {
      try {
        const r = await sdk.exec(
          'alipay.trade.close',
          { bizContent: { outTradeNo: tradeNoOf(payment) }, timestamp: alipayTimestamp(new Date()) },
          { validateSign: true },
        );
        if (r.code === '10000') return { status: 'closed' };
        // the buyer never opened the pay page: Alipay has no trade, and nothing can pay it
        if (r.subCode === 'ACQ.TRADE_NOT_EXIST') return { status: 'closed', note: 'no trade at Alipay' };
        // already paid (its notification refunds it) or finished: nothing for us to close
        if (r.subCode === 'ACQ.TRADE_STATUS_ERROR')
          return { status: 'refused', note: `${r.subCode}: ${r.subMsg}` };
        return { status: 'pending', note: `${r.subCode ?? r.code}: ${r.subMsg ?? r.msg}` };
      } catch (error) {
        return { status: 'pending', note: (error as Error).message };
      }
    },
    async refund(payment, refund) {
      try {
        const r = await sdk.exec(
          'alipay.trade.refund',
          {
            bizContent: {
              outTradeNo: tradeNoOf(payment),
              refundAmount: toDecimal(refund.amount, payment.currency),
              // the same out_request_no again is the same refund at Alipay: retries cannot pay twice
              outRequestNo: refund.id,
              refundReason: refund.reason.slice(0, 256),
            },
            timestamp: alipayTimestamp(new Date()),
          },
          { validateSign: true },
        );
        if (r.code === '10000')
          return { status: 'succeeded', providerRef: r.tradeNo ?? payment.provider_trade_no };
        // 20000: Alipay's "service unavailable", worth another try
        if (r.code === '20000') return { status: 'pending', reason: r.subMsg ?? r.msg };
        return { status: 'failed', reason: `${r.subCode ?? r.code}: ${r.subMsg ?? r.msg}` };
      } catch (error) {
        return { status: 'pending', reason: (error as Error).message };
      }
    },
  };
}
