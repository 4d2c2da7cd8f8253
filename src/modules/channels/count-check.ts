import { channelCredentials } from './channel-accounts.js';
import type { CallObserver } from './channel-api-call.js';
import { type ChannelRow, findChannelById } from './channels.repository.js';
import { RECONCILED_KINDS, type ReconcileDeps, reconcileChannel } from './reconciliation.js';
import {
  claimDueCountCheck,
  countChannelOrdersCreated,
  recordIncident,
  recordOrderCount,
} from './reconciliation.repository.js';
import { shopifyOrderCount } from './shopify/shopify-orders-api.js';
import { wooOrderCount } from './woocommerce/woo-orders-api.js';

/** Whole UTC days checked, before today (today is still filling up; reconciliation covers it). */
export const COUNT_CHECK_DAYS = 2;
const DAY_MS = 86_400_000;

export interface DayCount {
  day: string;
  channelCount: number;
  ourCountBefore: number;
  ourCount: number;
}

function channelCount(
  deps: ReconcileDeps,
  channel: ChannelRow,
  from: Date,
  to: Date,
  observer: CallObserver,
) {
  if (!channel.api_url) throw new Error('the channel has no apiUrl to count its orders');
  const c = channelCredentials(deps.secrets, channel);
  return channel.kind === 'shopify'
    ? shopifyOrderCount(deps.fetch, channel.api_url, c.accessToken ?? '', from, to, observer)
    : wooOrderCount(
        deps.fetch,
        channel.api_url,
        { consumerKey: c.consumerKey ?? '', consumerSecret: c.consumerSecret ?? '' },
        from,
        to,
        observer,
      );
}

/**
 * The daily count check: per UTC day, the orders the channel says it created against the channel
 * orders we hold for that day. A day short of the channel's count (a webhook lost and the
 * reconciliation's window already past it) is read again from its start, and what is still missing
 * after that is an incident in the channel's health; every day's figures are kept
 * (GET /v1/channels/{id}: health.orderCounts).
 */
export async function checkOrderCounts(
  deps: ReconcileDeps,
  channel: ChannelRow,
  now: Date,
): Promise<DayCount[]> {
  const observer: CallObserver = {
    throttled: (message) => void recordIncident(deps.db, channel.id, 'throttled', message).catch(() => {}),
  };
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const days = Array.from({ length: COUNT_CHECK_DAYS }, (_, i) => {
    const from = new Date(today - (COUNT_CHECK_DAYS - i) * DAY_MS);
    return { from, to: new Date(from.getTime() + DAY_MS), day: from.toISOString().slice(0, 10) };
  });
  const counted = [];
  for (const d of days) {
    counted.push({
      ...d,
      channelCount: await channelCount(deps, channel, d.from, d.to, observer),
      ourCountBefore: await countChannelOrdersCreated(deps.db, channel.id, d.from, d.to),
    });
  }
  const short = counted.find((d) => d.ourCountBefore < d.channelCount);
  if (short) await reconcileChannel(deps, channel, short.from, now);
  const results: DayCount[] = [];
  for (const d of counted) {
    const ourCount = short
      ? await countChannelOrdersCreated(deps.db, channel.id, d.from, d.to)
      : d.ourCountBefore;
    const result = { day: d.day, channelCount: d.channelCount, ourCountBefore: d.ourCountBefore, ourCount };
    await recordOrderCount(deps.db, {
      channel_id: channel.id,
      day: d.day,
      channel_count: d.channelCount,
      our_count_before: d.ourCountBefore,
      our_count: ourCount,
    });
    if (ourCount !== d.channelCount)
      await recordIncident(
        deps.db,
        channel.id,
        'error',
        `order count of ${d.day} (UTC): the channel has ${d.channelCount}, OrderSync ${ourCount} after reading the day again`,
      );
    results.push(result);
  }
  return results;
}

/** The scheduled job: each Shopify and WooCommerce channel once a day, in whichever process claims it. */
export async function checkDueOrderCounts(deps: ReconcileDeps, now: Date): Promise<number> {
  let runs = 0;
  for (;;) {
    const due = await claimDueCountCheck(deps.db, RECONCILED_KINDS, now);
    if (!due) return runs;
    const channel = await findChannelById(deps.db, due.channel_id);
    if (!channel) continue;
    runs++;
    await checkOrderCounts(deps, channel, now).catch((error) =>
      recordIncident(deps.db, channel.id, 'error', `order count check failed: ${(error as Error).message}`),
    );
  }
}
