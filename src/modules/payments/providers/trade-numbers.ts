/**
 * Our payment and refund ids as the providers' merchant trade numbers: the UUID without its dashes,
 * 32 hex characters. That fits Alipay's out_trade_no (at most 64 letters, digits and underscores)
 * and WeChat Pay's (at most 32), and turns back into the id without a lookup.
 */
export const toTradeNo = (id: string) => id.replaceAll('-', '');

/** The id behind a trade number; a number sent before this scheme (the UUID itself) is the id already. */
export const fromTradeNo = (tradeNo: string) =>
  /^[0-9a-f]{32}$/i.test(tradeNo)
    ? `${tradeNo.slice(0, 8)}-${tradeNo.slice(8, 12)}-${tradeNo.slice(12, 16)}-${tradeNo.slice(16, 20)}-${tradeNo.slice(20)}`
    : tradeNo;

/** The trade number a payment was opened under at its provider (older Alipay intents: the UUID). */
export const tradeNoOf = (payment: { id: string; provider_ref: string | null }) =>
  payment.provider_ref ?? toTradeNo(payment.id);
