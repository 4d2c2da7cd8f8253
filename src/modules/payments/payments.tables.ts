import type { CreatedAt, Generated, Json, NullableTime } from '../../platform/db/columns.js';
import type { PaymentIntentStatus } from './payment-state.js';

export type { PaymentIntentStatus };

export interface PaymentsTable {
  id: string;
  order_id: string;
  provider: string;
  status: PaymentIntentStatus;
  amount: number;
  currency: string;
  provider_ref: string | null;
  created_at: CreatedAt;
  updated_at: CreatedAt;
  paid_at: NullableTime;
  refunded_amount: Generated<number>;
  /** The provider's own id of the trade (Alipay trade_no, WeChat Pay transaction_id). */
  provider_trade_no: string | null;
  /** What the customer does to pay: a link, a QR code, nothing (cash on delivery). */
  action: Json<Record<string, unknown> | null> | null;
  authorized_at: NullableTime;
  failure_reason: string | null;
  /** What the provider reported when it did not match `amount`/`currency` (status held). */
  received_amount: number | null;
  received_currency: string | null;
  /** Closing the trade at the provider after the intent was cancelled unpaid (see trade-closing.ts). */
  close_status: 'pending' | 'closed' | 'refused' | null;
  close_attempts: Generated<number>;
  close_due_at: NullableTime;
  close_note: string | null;
}

export type RefundStatus = 'pending' | 'succeeded' | 'failed';

export interface PaymentRefundsTable {
  id: string;
  payment_id: string;
  order_id: string;
  amount: number;
  currency: string;
  status: RefundStatus;
  reason: string;
  provider_ref: string | null;
  failure_reason: string | null;
  attempts: Generated<number>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
  completed_at: NullableTime;
}

export interface PaymentCallbacksTable {
  id: string;
  provider: string;
  message_id: string;
  payment_id: string | null;
  order_id: string | null;
  kind: string;
  outcome: string;
  response_status: number;
  response_type: string;
  response_body: string;
  payload: Json<unknown>;
  received_at: CreatedAt;
}

export interface PaymentsTables {
  payments: PaymentsTable;
  payment_refunds: PaymentRefundsTable;
  payment_callbacks: PaymentCallbacksTable;
}
