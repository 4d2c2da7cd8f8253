import type { ColumnType } from 'kysely';
import type { CreatedAt, Generated, NullableTime } from '../../../platform/db/columns.js';

export interface AmazonPollStateTable {
  channel_id: string;
  watermark: Date | string;
  leased_until: NullableTime;
  last_polled_at: NullableTime;
  last_error: string | null;
}

export interface AmazonAppliedVersionsTable {
  channel_id: string;
  amazon_order_id: string;
  last_update_date: Date | string;
}

export interface AmazonTables extends AmazonFeedTables {
  amazon_poll_state: AmazonPollStateTable;
  amazon_applied_versions: AmazonAppliedVersionsTable;
}

export type AmazonCancellationStatus = 'due' | 'sent' | 'told' | 'dead';

export interface AmazonCancellationsTable {
  channel_id: string;
  order_id: string;
  amazon_order_id: string;
  items: ColumnType<string[] | null, string | null | undefined, string | null>;
  status: ColumnType<
    AmazonCancellationStatus,
    AmazonCancellationStatus | undefined,
    AmazonCancellationStatus
  >;
  feed_id: string | null;
  attempts: Generated<number>;
  next_attempt_at: CreatedAt;
  last_error: string | null;
  created_at: CreatedAt;
  told_at: NullableTime;
}

export type AmazonFeedStatus = 'submitting' | 'submitted' | 'done' | 'fatal' | 'cancelled';

export interface AmazonFeedsTable {
  id: string;
  channel_id: string;
  purpose: 'cancellations' | 'inventory';
  feed_type: string;
  amazon_feed_id: string | null;
  status: ColumnType<AmazonFeedStatus, AmazonFeedStatus | undefined, AmazonFeedStatus>;
  processing_status: string | null;
  messages: number;
  messages_with_error: number | null;
  created_at: CreatedAt;
  next_check_at: CreatedAt;
  finished_at: NullableTime;
  last_error: string | null;
}

export interface AmazonFeedMessagesTable {
  feed_id: string;
  message_id: number;
  order_id: string | null;
  sku: string | null;
  seller_sku: string | null;
  version: ColumnType<
    string | number | null,
    string | number | bigint | null,
    string | number | bigint | null
  >;
  quantity: number | null;
  result: 'ok' | 'error' | null;
  error: string | null;
}

export interface AmazonFeedStateTable {
  channel_id: string;
  leased_by: string | null;
  leased_until: NullableTime;
  feed_tokens: number | null;
  tokens_at: CreatedAt;
  next_inventory_at: CreatedAt;
  last_error: string | null;
  last_error_at: NullableTime;
}

export interface AmazonStockErrorsTable {
  channel_id: string;
  sku: string;
  version: ColumnType<string | number, string | number | bigint, string | number | bigint>;
  attempts: number;
  retry_at: NullableTime;
  last_error: string;
}

export interface AmazonFeedTables {
  amazon_cancellations: AmazonCancellationsTable;
  amazon_feeds: AmazonFeedsTable;
  amazon_feed_messages: AmazonFeedMessagesTable;
  amazon_feed_state: AmazonFeedStateTable;
  amazon_stock_errors: AmazonStockErrorsTable;
}
