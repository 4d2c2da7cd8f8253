import type { SpApiClient } from './sp-api-client.js';
import type { SpOrder, SpOrderItem } from './sp-api-orders.schemas.js';

/**
 * Amazon has no order webhooks worth relying on: we poll getOrders by LastUpdatedAfter. The watermark
 * rule, and why no order is ever skipped:
 *
 * - Amazon's result for a time range is not a snapshot: an order updated while we page through it can
 *   move past the pages we have read, and an order shows up in getOrders some time after its
 *   LastUpdateDate (Amazon asks callers to stay 2 minutes behind: LastUpdatedBefore ≤ now − 2 min).
 * - So the next poll starts from the last LastUpdateDate seen, never later than this poll's start
 *   minus that lag, MINUS a safety overlap (5 min): anything updated during our paging, or indexed
 *   late, has a LastUpdateDate inside that window and is read again next time.
 * - Re-reading is cheap because each (AmazonOrderId, LastUpdateDate) is applied once: a pair already
 *   applied is skipped before getOrderItems (whose quota is small too). A new LastUpdateDate of a
 *   known order is a new version and is applied (the intake orders versions by it).
 * - The watermark is stored only after the whole poll applied; a crash mid-poll re-reads the range,
 *   and the pairs already applied are skipped.
 */
export const AMAZON_INDEXING_LAG_MS = 2 * 60_000;
export const AMAZON_POLL_OVERLAP_MS = 5 * 60_000;

export interface AmazonPollSink {
  /** Of these `${AmazonOrderId} ${LastUpdateDate}` keys, the ones already applied. */
  applied(keys: readonly string[]): Promise<ReadonlySet<string>>;
  /** Applies one order version (and records its key in the same transaction). */
  apply(order: SpOrder, items: SpOrderItem[], key: string): Promise<void>;
}

export interface AmazonPollResult {
  /** Store this and pass it to the next poll. */
  watermark: string;
  pages: number;
  read: number;
  applied: number;
  skipped: number;
}

export const pollKey = (order: Pick<SpOrder, 'AmazonOrderId' | 'LastUpdateDate'>): string =>
  `${order.AmazonOrderId} ${new Date(order.LastUpdateDate).toISOString()}`;

export async function pollAmazonOrders(
  client: SpApiClient,
  sink: AmazonPollSink,
  options: { watermark: string; overlapMs?: number; now?: () => number },
): Promise<AmazonPollResult> {
  const now = options.now ?? Date.now;
  const pollStart = now();
  const from = new Date(Date.parse(options.watermark) - (options.overlapMs ?? AMAZON_POLL_OVERLAP_MS));
  const result: AmazonPollResult = {
    watermark: options.watermark,
    pages: 0,
    read: 0,
    applied: 0,
    skipped: 0,
  };
  let lastSeen = Number.NEGATIVE_INFINITY;
  let page = await client.getOrdersPage({ lastUpdatedAfter: from.toISOString() });
  for (;;) {
    result.pages++;
    result.read += page.Orders.length;
    const keys = page.Orders.map(pollKey);
    const done = await sink.applied(keys);
    for (const [i, order] of page.Orders.entries()) {
      lastSeen = Math.max(lastSeen, Date.parse(order.LastUpdateDate));
      if (done.has(keys[i]!)) {
        result.skipped++;
        continue;
      }
      await sink.apply(order, await client.getOrderItems(order.AmazonOrderId), keys[i]!);
      result.applied++;
    }
    if (!page.NextToken) break;
    page = await client.getOrdersPage({ nextToken: page.NextToken });
  }
  const next = Math.min(
    lastSeen === Number.NEGATIVE_INFINITY ? Number.POSITIVE_INFINITY : lastSeen,
    pollStart - AMAZON_INDEXING_LAG_MS,
  );
  result.watermark = new Date(Math.max(Date.parse(options.watermark), next)).toISOString();
  return result;
}
