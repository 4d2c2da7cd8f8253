import type { ColumnType } from 'kysely';
import type { CreatedAt, Generated, JsonDefault, NullableTime } from '../../platform/db/columns.js';
import type { FulfillmentStatus, OrderStatus, PaymentStatus } from './order-state.js';

export interface OrdersTable {
  id: string;
  number: string;
  channel: string;
  status: OrderStatus;
  payment_status: PaymentStatus;
  fulfillment_status: FulfillmentStatus;
  payment_method: string;
  customer_email: string;
  customer_phone: string | null;
  customer_name: string | null;
  currency: string;
  subtotal: number;
  shipping_total: number;
  discount_total: number;
  tax_total: number;
  grand_total: number;
  paid_total: Generated<number>;
  refunded_total: Generated<number>;
  note: string | null;
  version: Generated<number>;
  placed_at: CreatedAt;
  payment_due_at: NullableTime;
  cancelled_at: NullableTime;
  cancel_reason: string | null;
  updated_at: CreatedAt;
  delivered_at: NullableTime;
  completed_at: NullableTime;
  closed_at: NullableTime;
  /** Set when something about the order needs a person (e.g. a payment that did not match). */
  review_reason: string | null;
  /** SHA-256 of the buyer's access token (order-access.ts); null on orders placed before tokens. */
  access_token_hash: ColumnType<string | null, string | null | undefined, string | null>;
  cod_fee: Generated<number>;
  /** Promotions, tax lines and shipping options behind the totals (pricing's keptPricing). */
  pricing: JsonDefault<Record<string, unknown>>;
}

export interface OrderAddressesTable {
  order_id: string;
  key: string;
  name: string;
  phone: string;
  country: string;
  province: string | null;
  city: string;
  district: string | null;
  line1: string;
  line2: string | null;
  postal_code: string | null;
}

export interface OrderLinesTable {
  id: string;
  order_id: string;
  line_no: number;
  sku: string;
  product_id: string;
  variant_id: string;
  title: string;
  unit_price: number;
  quantity: number;
  line_total: number;
  ship_to: string;
  /** This line's share of the order's discount. */
  discount: number;
  /** Tax on line_total − discount: contained in it when tax_inclusive, added on top otherwise. */
  tax: number;
  tax_inclusive: boolean;
}

export interface OrderTimelineTable {
  id: string;
  order_id: string;
  at: CreatedAt;
  kind: string;
  from_status: string | null;
  to_status: string | null;
  actor: string | null;
  message: string;
  data: JsonDefault<Record<string, unknown>>;
}

export interface OrderLineCancellationsTable {
  id: string;
  order_id: string;
  line_id: string;
  quantity: number;
  reason: string;
  created_at: CreatedAt;
}

/** A placement refused (order-refusals.ts). */
export interface OrderRefusalsTable {
  id: string;
  at: ColumnType<Date, Date | string | undefined, never>;
  source: 'order' | 'checkout';
  cart_id: string | null;
  reason: string;
  channel: string | null;
  shortages: ColumnType<unknown, string, never>;
}

export interface OrdersTables {
  order_refusals: OrderRefusalsTable;
  orders: OrdersTable;
  order_addresses: OrderAddressesTable;
  order_lines: OrderLinesTable;
  order_timeline: OrderTimelineTable;
  order_line_cancellations: OrderLineCancellationsTable;
}
