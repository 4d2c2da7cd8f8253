import type { CreatedAt, NullableTime } from '../../platform/db/columns.js';

export type PaymentIntentStatus = 'pending' | 'authorized' | 'paid' | 'failed' | 'cancelled' | 'refunded';

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
}

export interface PaymentsTables {
  payments: PaymentsTable;
}
