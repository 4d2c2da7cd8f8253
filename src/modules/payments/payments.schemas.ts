import { type Static, Type } from 'typebox';
import { Currency, DateTime, Money, StringEnum, Uuid } from '../../platform/schemas.js';

export const PAYMENT_PROVIDERS = ['sandbox'] as const;

export const Payment = Type.Object({
  id: Type.String(),
  orderId: Type.String(),
  provider: Type.String(),
  status: Type.String(),
  amount: Money(),
  currency: Currency(),
  providerRef: Type.Union([Type.String(), Type.Null()]),
  createdAt: DateTime(),
  paidAt: Type.Union([DateTime(), Type.Null()]),
});
export type Payment = Static<typeof Payment>;

export const CreatePaymentBody = Type.Object(
  {
    provider: StringEnum(PAYMENT_PROVIDERS),
    amount: Type.Optional(Money({ minimum: 1, description: 'Defaults to what is still due' })),
  },
  { additionalProperties: false },
);

export const PaymentIdParams = Type.Object({ id: Uuid() });
export const OrderIdParams = Type.Object({ id: Uuid() });
