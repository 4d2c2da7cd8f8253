import type { Conn } from '../../platform/db/database.js';
import { feedHealth } from './amazon/amazon-feeds.repository.js';
import type { ChannelHealth } from './channels.schemas.js';
import { readChannelHealth } from './reconciliation.repository.js';

const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null);

/** How the channel is doing, from its orders, deliveries, reconciliation state and incidents. */
export async function channelHealth(
  db: Conn,
  channelId: string,
  now: Date,
  kind?: string,
): Promise<ChannelHealth> {
  const { state, orders, incidents, deliveries, counts } = await readChannelHealth(db, channelId, now);
  const feeds = kind === 'amazon' ? await feedHealth(db, channelId) : undefined;
  return {
    lastOrderReceivedAt: iso(orders.last_received),
    lastReconciledAt: iso(state?.last_reconciled_at),
    nextReconcileAt: iso(state?.next_reconcile_at),
    lagSeconds: state?.watermark
      ? Math.max(0, Math.round((now.getTime() - new Date(state.watermark).getTime()) / 1000))
      : null,
    lastError: state?.last_error ?? null,
    errorsLastHour: incidents.errors,
    throttledLastHour: incidents.throttled,
    pendingDeliveries: deliveries.pending,
    failedDeliveries: deliveries.failed,
    heldOrders: orders.held,
    orderCounts: counts.map((c) => ({
      day: c.day,
      channelCount: c.channel_count,
      ourCountBefore: c.our_count_before,
      ourCount: c.our_count,
      checkedAt: new Date(c.checked_at).toISOString(),
    })),
    ...(feeds
      ? {
          amazonFeeds: {
            cancellationsWaiting: feeds.due,
            cancellationsDead: feeds.dead,
            feedsInFlight: feeds.in_flight,
            skusRefused: feeds.stock_refused,
          },
        }
      : {}),
  };
}
