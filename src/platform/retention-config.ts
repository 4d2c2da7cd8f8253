import { envReader } from './env-reader.js';

/**
 * How long each kind of data is kept before the retention job deletes it (#17), in seconds. Written
 * as durations (`30d`, `2160h`). Idempotency records have their own (IDEMPOTENCY_RETENTION).
 */
export interface RetentionConfig {
  /** Carts left open and untouched this long are deleted (their items with them). */
  abandonedCartsSeconds: number;
  /** Webhook and consumer deliveries, delivered or dead, this long after they were written. */
  deliveryLogsSeconds: number;
  /** Notifications (sent, failed or skipped) with their recipients and texts. */
  notificationLogsSeconds: number;
  /** An export's archive, after the export was done. */
  exportArchivesSeconds: number;
  /** An erased customer's remaining transaction records (kept for the law), after the erasure. */
  erasedCustomersSeconds: number;
}

const DAY = 86_400;

export function loadRetentionConfig(env: NodeJS.ProcessEnv, problems: string[]): RetentionConfig {
  const { duration } = envReader(env, problems);
  return {
    abandonedCartsSeconds: duration('RETENTION_ABANDONED_CARTS', 30 * DAY, '30d'),
    deliveryLogsSeconds: duration('RETENTION_DELIVERY_LOGS', 90 * DAY, '90d'),
    notificationLogsSeconds: duration('RETENTION_NOTIFICATION_LOGS', 180 * DAY, '180d'),
    exportArchivesSeconds: duration('RETENTION_EXPORT_ARCHIVES', 7 * DAY, '7d'),
    // China's E-Commerce Law: transaction records at least three years from the transaction.
    erasedCustomersSeconds: duration('RETENTION_ERASED_CUSTOMERS', 3 * 365 * DAY, '1095d'),
  };
}
