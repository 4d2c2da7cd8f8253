import type { ColumnType, Generated } from 'kysely';
import type { NullableTime } from '../../platform/db/columns.js';

type Time = ColumnType<Date, Date | string, Date | string>;
/** bigint sums: pg returns them as strings; the queries cast what they read. */
type BigSum = ColumnType<string | number, number, number>;

/** One placed order as the events told it (analytics-facts.consumer.ts). */
export interface AnalyticsOrdersTable {
  order_id: string;
  placed_at: Time;
  currency: string;
  channel: string;
  region: string;
  payment_method: string;
  grand_total: BigSum;
  units: number;
  paid_at: NullableTime;
  pay_provider: string | null;
  shipped_at: NullableTime;
  warehouse: string | null;
  carrier: string | null;
  delivered_at: NullableTime;
  completed_at: NullableTime;
  cancelled_at: NullableTime;
  cancel_reason: string | null;
  /** Loaded from an earlier system (history.orders_imported): no lead times. */
  historical: Generated<boolean>;
}

export interface AnalyticsOrderLinesTable {
  order_id: string;
  sku: string;
  category: string;
  quantity: number;
  amount: BigSum;
}

export interface AnalyticsPaymentsTable {
  payment_id: string;
  order_id: string;
  provider: string;
  succeeded: Generated<boolean>;
  failed: Generated<boolean>;
}

/**
 * A placement hour whose rollups are to be refreshed, claimed by the refresh: with the orders newly
 * placed in it (their share is added), or null when recorded orders changed (the hour is recomputed).
 */
export interface AnalyticsDirtyMarksTable {
  hour: Time;
  placed: string[] | null;
  changed: string[] | null;
}

/** A return of an order as its events told it; its lines by SKU. */
export interface AnalyticsReturnsTable {
  return_id: string;
  order_id: string;
  reason: string;
  rejected: Generated<boolean>;
  refunded: Generated<boolean>;
}

export interface AnalyticsReturnLinesTable {
  return_id: string;
  sku: string;
  category: string;
  quantity: number;
}

/** Carts, checkouts and stockouts per hour (activity-refresh.ts). */
export interface AnalyticsActivityByHourTable {
  kind: string;
  hour: Time;
  key: string;
  events: number;
  units: number;
}

export interface AnalyticsRefreshMarksTable {
  name: string;
  upto: Time;
}

/** Units sold per UTC day of placement, SKU and warehouse reserved (else shipped) from. */
export interface AnalyticsSkuWarehouseByDayTable {
  day: Time;
  sku: string;
  warehouse: string;
  units: BigSum;
}

export interface AnalyticsTables {
  analytics_sku_warehouse_by_day: AnalyticsSkuWarehouseByDayTable;
  analytics_returns: AnalyticsReturnsTable;
  analytics_return_lines: AnalyticsReturnLinesTable;
  analytics_activity_by_hour: AnalyticsActivityByHourTable;
  analytics_refresh_marks: AnalyticsRefreshMarksTable;
  analytics_orders: AnalyticsOrdersTable;
  analytics_order_lines: AnalyticsOrderLinesTable;
  analytics_payments: AnalyticsPaymentsTable;
  analytics_dirty_marks: AnalyticsDirtyMarksTable;
}
