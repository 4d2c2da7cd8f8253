import type { NullableTime } from '../../../platform/db/columns.js';

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

export interface AmazonTables {
  amazon_poll_state: AmazonPollStateTable;
  amazon_applied_versions: AmazonAppliedVersionsTable;
}
