import type { Db } from '../../platform/db/database.js';
import type { OrderHooks } from '../orders/index.js';
import { channelCredentials } from './channel-accounts.js';
import type { CallObserver } from './channel-api-call.js';
import type { ChannelFetch } from './channel-fetch.js';
import { type ChannelOrder, isNewer } from './channel-order.js';
import { keptVersions } from './channel-orders.repository.js';
import { checkPayload } from './channel-payload.js';
import type { ChannelSecrets } from './channel-secrets.js';
import { type ChannelRow, findChannelById } from './channels.repository.js';
import { receiveChannelOrder } from './receive-channel-order.js';
import {
  claimDueReconciliation,
  forgetOldIncidents,
  recordIncident,
  recordReconciled,
} from './reconciliation.repository.js';
import { fromShopifyOrder, ShopifyOrder } from './shopify/shopify-order.js';
import { shopifyOrdersUpdatedSince } from './shopify/shopify-orders-api.js';
import { wooOrdersModifiedSince } from './woocommerce/woo-orders-api.js';
import { fromWooOrder, WooOrder } from './woocommerce/woocommerce-order.js';

export interface ReconcileDeps {
  db: Db;
  orderHooks: OrderHooks;
  secrets: ChannelSecrets;
  fetch: ChannelFetch;
  /** Seconds between runs per channel (CHANNEL_RECONCILE_INTERVAL, 10 minutes by default). */
  intervalSeconds: number;
}

/** Read again what changed this long before the watermark: clocks differ, and writes land late. */
const OVERLAP_MS = 5 * 60_000;
/** A channel never reconciled reads this far back. */
const FIRST_LOOKBACK_MS = 24 * 3600_000;

export const RECONCILED_KINDS = ['shopify', 'woocommerce'] as const;

function pagesOf(deps: ReconcileDeps, channel: ChannelRow, since: Date, observer: CallObserver) {
  if (!channel.api_url) throw new Error('the channel has no apiUrl to read its orders from');
  const credentials = channelCredentials(deps.secrets, channel);
  return channel.kind === 'shopify'
    ? shopifyOrdersUpdatedSince(deps.fetch, channel.api_url, credentials.accessToken ?? '', since, observer)
    : wooOrdersModifiedSince(
        deps.fetch,
        channel.api_url,
        { consumerKey: credentials.consumerKey ?? '', consumerSecret: credentials.consumerSecret ?? '' },
        since,
        observer,
      );
}

function toCanonical(channel: ChannelRow, raw: unknown): ChannelOrder {
  return channel.kind === 'shopify'
    ? fromShopifyOrder(checkPayload(ShopifyOrder, raw, 'Shopify order'))
    : fromWooOrder(checkPayload(WooOrder, raw, 'WooCommerce order'));
}

/**
 * Reads again every order the channel changed since the watermark (less an overlap) and hands each
 * to the intake, which ignores what it already has: an order whose webhook never came is placed
 * here. The new watermark is when the run started, so an order changed while pages were read is
 * read again next time. One unreadable order is an incident, not the end of the run.
 */
export async function reconcileChannel(
  deps: ReconcileDeps,
  channel: ChannelRow,
  watermark: Date | null,
  now = new Date(),
): Promise<{ read: number; changed: number }> {
  const since = new Date((watermark?.getTime() ?? now.getTime() - FIRST_LOOKBACK_MS) - OVERLAP_MS);
  const startedAt = new Date();
  const observer: CallObserver = {
    throttled: (message) => void recordIncident(deps.db, channel.id, 'throttled', message).catch(() => {}),
  };
  let read = 0;
  let changed = 0;
  try {
    for await (const page of pagesOf(deps, channel, since, observer)) {
      const orders: ChannelOrder[] = [];
      for (const raw of page) {
        read++;
        try {
          orders.push(toCanonical(channel, raw));
        } catch (error) {
          await recordIncident(deps.db, channel.id, 'error', `order not taken: ${(error as Error).message}`);
        }
      }
      // Most of what a run reads is known already (the overlap, webhooks that came): one read sorts
      // it out, and only what is newer than the kept snapshot goes through the intake's transaction.
      const kept = await keptVersions(
        deps.db,
        channel.id,
        orders.map((o) => o.externalId),
      );
      for (const order of orders) {
        const known = kept.get(order.externalId);
        if (known && !isNewer(order, known)) continue;
        try {
          const result = await receiveChannelOrder(deps, channel, order, `reconciliation:${channel.code}`);
          if (result.outcome !== 'stale') changed++;
        } catch (error) {
          await recordIncident(deps.db, channel.id, 'error', `order not taken: ${(error as Error).message}`);
        }
      }
    }
  } catch (error) {
    const message = (error as Error).message;
    await recordIncident(deps.db, channel.id, 'error', `reconciliation failed: ${message}`);
    await recordReconciled(deps.db, channel.id, startedAt, message);
    throw error;
  }
  await recordReconciled(deps.db, channel.id, startedAt, null);
  return { read, changed };
}

/** The scheduled job: each channel due, once per interval, in whichever process claims it first. */
export async function reconcileDueChannels(deps: ReconcileDeps, now: Date): Promise<number> {
  await forgetOldIncidents(deps.db, now);
  let runs = 0;
  for (;;) {
    const due = await claimDueReconciliation(deps.db, RECONCILED_KINDS, now, deps.intervalSeconds);
    if (!due) return runs;
    const channel = await findChannelById(deps.db, due.channel_id);
    if (!channel) continue;
    runs++;
    await reconcileChannel(deps, channel, due.watermark ? new Date(due.watermark) : null, now).catch(() => {
      // recorded as the channel's last error and an incident; the next interval tries again
    });
  }
}
