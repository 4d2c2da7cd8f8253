import { type Static, Type } from 'typebox';
import { Currency, DateTime, Money, StringEnum, Uuid } from '../../platform/schemas.js';
import { PAYMENT_PROVIDERS } from './payment-provider.js';
import { PAYMENT_INTENT_STATUSES } from './payment-state.js';

export { PAYMENT_PROVIDERS };

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const PaymentActionSchema = Type.Object(
  {
    type: StringEnum(['redirect', 'qr_code', 'cash_on_delivery'] as const),
    url: Type.Optional(Type.String({ description: 'Where to send the buyer (pay page)' })),
    codeUrl: Type.Optional(Type.String({ description: 'What to show as a QR code (WeChat Pay Native)' })),
  },
  { description: 'What the buyer does to pay' },
);

export const Payment = Type.Object({
  id: Type.String(),
  orderId: Type.String(),
  provider: Type.String(),
  status: StringEnum(PAYMENT_INTENT_STATUSES),
  amount: Money(),
  refundedAmount: Money(),
  currency: Currency(),
  providerRef: Nullable(Type.String()),
  providerTradeNo: Nullable(Type.String()),
  action: Nullable(PaymentActionSchema),
  failureReason: Nullable(Type.String()),
  receivedAmount: Nullable(
    Money({ description: 'held: what the provider reported, which did not match amount or currency' }),
  ),
  receivedCurrency: Nullable(Type.String()),
  createdAt: DateTime(),
  authorizedAt: Nullable(DateTime()),
  paidAt: Nullable(DateTime()),
});
export type Payment = Static<typeof Payment>;

export const Refund = Type.Object({
  id: Type.String(),
  paymentId: Type.String(),
  orderId: Type.String(),
  amount: Money(),
  currency: Currency(),
  status: StringEnum(['pending', 'succeeded', 'failed'] as const),
  reason: Type.String(),
  providerRef: Nullable(Type.String()),
  failureReason: Nullable(Type.String()),
  createdAt: DateTime(),
  completedAt: Nullable(DateTime()),
});
export type Refund = Static<typeof Refund>;

export const CreatePaymentBody = Type.Object(
  {
    provider: StringEnum(PAYMENT_PROVIDERS),
    amount: Type.Optional(Money({ minimum: 1, description: 'Defaults to what is still due' })),
    capture: Type.Optional(
      StringEnum(['automatic', 'manual'] as const, {
        description: 'manual: the payment stops at authorized until captured (sandbox)',
        default: 'automatic',
      }),
    ),
  },
  { additionalProperties: false },
);
export type CreatePaymentBody = Static<typeof CreatePaymentBody>;

export const RefundBody = Type.Object(
  {
    amount: Type.Optional(Money({ minimum: 1, description: 'Defaults to everything still refundable' })),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type RefundBody = Static<typeof RefundBody>;

export const ResolvePaymentBody = Type.Object(
  {
    action: StringEnum(['accept', 'refund'] as const, {
      description: 'accept: count the money toward the order; refund: give it all back through the provider',
    }),
    reason: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);
export type ResolvePaymentBody = Static<typeof ResolvePaymentBody>;

export const PaymentIdParams = Type.Object({ id: Uuid() });
export const OrderIdParams = Type.Object({ id: Uuid() });
export const ProviderParams = Type.Object({
  provider: StringEnum(['sandbox', 'alipay', 'wechatpay'] as const),
});
