import type { ColumnType } from 'kysely';
import type { CreatedAt, Generated, Json, JsonDefault, NullableTime } from '../../platform/db/columns.js';
import type { ImportsTables } from './imports/imports.tables.js';

export const CHANNEL_KINDS = ['shopify', 'woocommerce', 'amazon', 'file'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** What a channel may sell of our stock (stock push): available − safety − buffer, capped to a share. */
export interface StockPolicy {
  safetyStock: number;
  /** Held back from the channel: units, or a percentage of what is available. */
  buffer: { kind: 'absolute' | 'percent'; value: number };
  /** At most this percentage of what is available; absent: no cap. */
  capShare?: number;
  /**
   * Stock API requests a second at most, for channels without a published limit (WooCommerce: its
   * host's); absent: the adapter's default. Channels that report their limit (Shopify) follow it.
   */
  requestsPerSecond?: number;
}

export interface ChannelsTable {
  id: string;
  code: string;
  kind: ChannelKind;
  name: string;
  api_url: string | null;
  credentials_enc: string | null;
  webhook_secret_enc: string | null;
  warehouses: ColumnType<string[], string[] | undefined, string[]>;
  currency: string;
  stock_policy: Json<StockPolicy>;
  enabled: Generated<boolean>;
  version: Generated<number>;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface ChannelSkuMapTable {
  channel_id: string;
  channel_sku: string;
  sku: string;
  updated_at: CreatedAt;
}

export type ChannelOrderState = 'held' | 'placed';

export interface ChannelOrdersTable {
  id: string;
  channel_id: string;
  external_id: string;
  order_id: string | null;
  state: ChannelOrderState;
  hold_reason: string | null;
  channel_updated_at: Date | string;
  channel_version: ColumnType<number, number | undefined, number>;
  snapshot: Json<unknown>;
  /** Refunds applied, by the channel's refund id: amount in minor units. */
  refunds: JsonDefault<Record<string, number>>;
  received_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface ChannelDeliveriesTable {
  id: string;
  channel_id: string;
  delivery_id: string;
  topic: string;
  body: string;
  status: ColumnType<'pending' | 'done' | 'failed', 'pending' | undefined, 'pending' | 'done' | 'failed'>;
  attempts: Generated<number>;
  last_error: string | null;
  received_at: CreatedAt;
  processed_at: NullableTime;
  next_attempt_at: CreatedAt;
}

export interface ChannelSyncStateTable {
  channel_id: string;
  watermark: NullableTime;
  last_reconciled_at: NullableTime;
  next_reconcile_at: CreatedAt;
  last_error: string | null;
  last_error_at: NullableTime;
  next_count_check_at: CreatedAt;
}

export interface ChannelOrderCountsTable {
  channel_id: string;
  /** The UTC day, `YYYY-MM-DD`. */
  day: ColumnType<string, string, string>;
  channel_count: number;
  our_count_before: number;
  our_count: number;
  checked_at: CreatedAt;
}

export interface ChannelIncidentsTable {
  id: string;
  channel_id: string;
  at: CreatedAt;
  kind: 'error' | 'throttled';
  message: string;
}

/** The channels' tables, file imports' (imports/) included. */
export interface ChannelsTables extends ImportsTables {
  channel_sync_state: ChannelSyncStateTable;
  channel_order_counts: ChannelOrderCountsTable;
  channel_incidents: ChannelIncidentsTable;
  channels: ChannelsTable;
  channel_sku_map: ChannelSkuMapTable;
  channel_orders: ChannelOrdersTable;
  channel_deliveries: ChannelDeliveriesTable;
}
