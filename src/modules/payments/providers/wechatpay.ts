import { AppError } from '../../../platform/errors.js';
import type { WechatPayConfig } from '../../../platform/provider-config.js';
import type { CloseResult, PaymentProvider, RefundResult } from '../payment-provider.js';
import { toTradeNo, tradeNoOf } from './trade-numbers.js';
import { verifyWechatSignature, wechatAuthorization } from './wechatpay-crypto.js';
import { parseWechatNotification, WECHAT_MAX_SKEW_SECONDS, wechatRefusal } from './wechatpay-notification.js';

/** One signed API v3 call; the answer's signature is checked like a notification's. */
async function call<T>(
  config: WechatPayConfig,
  method: 'GET' | 'POST',
  path: string,
  payload?: object,
): Promise<T> {
  const body = payload ? JSON.stringify(payload) : '';
  const res = await fetch(`${config.apiBase}${path}`, {
    method,
    headers: {
      authorization: wechatAuthorization({ method, path, body }, config),
      accept: 'application/json',
      ...(payload ? { 'content-type': 'application/json' } : {}),
    },
    body: payload ? body : undefined,
    signal: AbortSignal.timeout(10_000),
  });
  const text = await res.text();
  const h = (name: string) => res.headers.get(name) ?? '';
  const key = config.platformKeys.find((k) => k.serial === h('wechatpay-serial'));
  const fresh = Math.abs(Date.now() / 1000 - Number(h('wechatpay-timestamp'))) <= WECHAT_MAX_SKEW_SECONDS;
  if (
    !key ||
    !fresh ||
    !verifyWechatSignature(
      h('wechatpay-timestamp'),
      h('wechatpay-nonce'),
      text,
      h('wechatpay-signature'),
      key.publicKey,
    )
  ) {
    throw new AppError('upstream_failed', `WeChat Pay's answer to ${method} ${path} is not signed by it`);
  }
  const data = text ? JSON.parse(text) : {};
  if (!res.ok)
    throw new AppError(
      'upstream_failed',
      `WeChat Pay refused: ${data.code ?? res.status} ${data.message ?? ''}`,
      { providerCode: data.code, httpStatus: res.status },
    );
  return data as T;
}

export function wechatPayProvider(config: WechatPayConfig, notifyUrl: string): PaymentProvider {
  return {
    name: 'wechatpay',
    local: false,
    async create(intent) {
      // Native pay: the buyer scans code_url with WeChat.
      const r = await call<{ code_url: string }>(config, 'POST', '/v3/pay/transactions/native', {
        appid: config.appId,
        mchid: config.mchId,
        description: `Order ${intent.orderNumber}`,
        out_trade_no: toTradeNo(intent.id),
        notify_url: notifyUrl,
        amount: { total: intent.amount, currency: intent.currency },
      });
      return { providerRef: toTradeNo(intent.id), action: { type: 'qr_code', codeUrl: r.code_url } };
    },
    parseCallback: (input) => parseWechatNotification(config.platformKeys, config.apiV3Key, config, input),
    acknowledgement: { status: 204, type: 'application/json', body: '' },
    refusal: wechatRefusal,
    async query(payment) {
      const r = await call<{
        trade_state: string;
        transaction_id?: string;
        amount?: { total: number; currency: string };
      }>(config, 'GET', `/v3/pay/transactions/out-trade-no/${tradeNoOf(payment)}?mchid=${config.mchId}`);
      const kind =
        r.trade_state === 'SUCCESS'
          ? 'paid'
          : ['CLOSED', 'REVOKED', 'PAYERROR'].includes(r.trade_state)
            ? 'closed'
            : 'pending';
      return {
        kind,
        amount: r.amount?.total,
        currency: r.amount?.currency,
        providerTradeNo: r.transaction_id,
      };
    },
    async close(payment): Promise<CloseResult> {
      // close order: 204 when closed; the order is then no longer payable
      try {
        await call(config, 'POST', `/v3/pay/transactions/out-trade-no/${tradeNoOf(payment)}/close`, {
          mchid: config.mchId,
        });
        return { status: 'closed' };
      } catch (error) {
        const code = (error as AppError).extra?.providerCode;
        if (code === 'ORDER_CLOSED') return { status: 'closed', note: 'already closed' };
        if (code === 'ORDERPAID' || code === 'ORDER_PAID')
          return { status: 'refused', note: 'paid at WeChat Pay before it could be closed' };
        return { status: 'pending', note: (error as Error).message };
      }
    },
    async refund(payment, refund): Promise<RefundResult> {
      try {
        const r = await call<{ refund_id: string; status: string }>(
          config,
          'POST',
          '/v3/refund/domestic/refunds',
          {
            out_trade_no: tradeNoOf(payment),
            // the same out_refund_no again is the same refund at WeChat Pay
            out_refund_no: toTradeNo(refund.id),
            reason: refund.reason.slice(0, 80),
            notify_url: notifyUrl,
            amount: { refund: refund.amount, total: payment.amount, currency: payment.currency },
          },
        );
        if (r.status === 'SUCCESS') return { status: 'succeeded', providerRef: r.refund_id };
        if (r.status === 'PROCESSING') return { status: 'pending', providerRef: r.refund_id };
        return { status: 'failed', providerRef: r.refund_id, reason: r.status };
      } catch (error) {
        return { status: 'pending', reason: (error as Error).message };
      }
    },
  };
}
