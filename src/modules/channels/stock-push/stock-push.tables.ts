import type { ColumnType } from 'kysely';
import type { CreatedAt, NullableTime } from '../../../platform/db/columns.js';

type Bigint = ColumnType<string | number, string | number | bigint, string | number | bigint>;

export interface ChannelStockLevelsTable {
  channel_id: string;
  sku: string;
  version: Bigint;
  level: number;
  changed_at: CreatedAt;
  pushed_version: ColumnType<string | number, string | number | bigint | undefined, string | number | bigint>;
  pushed_level: number | null;
  pushed_at: NullableTime;
  absent: ColumnType<boolean, boolean | undefined, boolean>;
}

export interface ChannelStockPushTable {
  channel_id: string;
  leased_by: string | null;
  leased_until: NullableTime;
  location_ref: string | null;
  pushed_total: ColumnType<string | number, number | undefined, string | number | bigint>;
  throttled_total: ColumnType<string | number, number | undefined, string | number | bigint>;
  stale_total: ColumnType<string | number, number | undefined, string | number | bigint>;
  failed_total: ColumnType<string | number, number | undefined, string | number | bigint>;
  last_pushed_at: NullableTime;
  last_error: string | null;
  last_error_at: NullableTime;
}

export interface StockPushTables {
  channel_stock_levels: ChannelStockLevelsTable;
  channel_stock_push: ChannelStockPushTable;
}
