/** The providers OrderSync speaks to, behind one interface (STYLE.md §10). */
export const PAYMENT_PROVIDERS = ['sandbox', 'cod', 'alipay', 'wechatpay'] as const;
export type ProviderName = (typeof PAYMENT_PROVIDERS)[number];

/** What a provider is told about an intent. Our payment id is its out_trade_no. */
export interface IntentForProvider {
  id: string;
  orderId: string;
  orderNumber: string;
  amount: number;
  currency: string;
  /** Sandbox only: stop at authorized, to be captured later. */
  manualCapture: boolean;
}

/** What the customer does to pay. */
export interface PaymentAction {
  type: 'redirect' | 'qr_code' | 'cash_on_delivery';
  url?: string;
  codeUrl?: string;
}

export interface CallbackInput {
  headers: Record<string, string | string[] | undefined>;
  /** The raw body, exactly as received: signatures cover these bytes. */
  body: string;
  now: Date;
}

export type NoticeKind =
  | 'paid'
  | 'authorized'
  | 'failed'
  | 'closed'
  | 'refund_succeeded'
  | 'refund_failed'
  | 'ignored';

/** A verified provider notification, reduced to what OrderSync acts on. */
export interface ProviderNotice {
  /** The provider's id of this message (Alipay notify_id, WeChat Pay event id): the dedupe key. */
  messageId: string;
  kind: NoticeKind;
  paymentId?: string;
  refundId?: string;
  amount?: number;
  currency?: string;
  providerTradeNo?: string;
  payload: unknown;
}

/** The provider's view of a payment, from its query API. */
export interface ProviderPaymentState {
  kind: 'paid' | 'pending' | 'closed';
  amount?: number;
  currency?: string;
  providerTradeNo?: string;
}

export interface RefundResult {
  status: 'succeeded' | 'pending' | 'failed';
  providerRef?: string;
  reason?: string;
}

/** Closing an unpaid trade at the provider: done, refused for good (paid meanwhile), or to try again. */
export interface CloseResult {
  status: 'closed' | 'refused' | 'pending';
  note?: string;
}

/** The answer a provider expects when its notification was taken. */
export interface CallbackAnswer {
  status: number;
  type: string;
  body: string;
}

export interface PaymentForProvider {
  id: string;
  /** What the provider knows the payment by (the trade number it was opened under). */
  provider_ref: string | null;
  amount: number;
  currency: string;
  provider_trade_no: string | null;
}

export interface PaymentProvider {
  readonly name: ProviderName;
  /** No outside system is called: refunds and captures complete inside the caller's transaction. */
  readonly local: boolean;
  create(intent: IntentForProvider): Promise<{ providerRef: string | null; action: PaymentAction }>;
  /** Verifies and reads a notification; a bad signature throws AppError('unauthorized'). */
  parseCallback?(input: CallbackInput): ProviderNotice;
  readonly acknowledgement?: CallbackAnswer;
  /** The provider's own shape for a notification not taken (WeChat Pay); RFC 9457 when absent. */
  refusal?(status: number, message: string): CallbackAnswer;
  query?(payment: PaymentForProvider): Promise<ProviderPaymentState>;
  /** Closes an unpaid trade so the buyer can no longer pay it (after its intent was cancelled). */
  close?(payment: PaymentForProvider): Promise<CloseResult>;
  refund(
    payment: PaymentForProvider,
    refund: { id: string; amount: number; reason: string },
  ): Promise<RefundResult>;
}

export type PaymentProviders = ReadonlyMap<string, PaymentProvider>;
