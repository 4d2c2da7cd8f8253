import type { Config } from '../../../platform/config.js';
import type { Db, Trx } from '../../../platform/db/database.js';
import { inTransaction } from '../../../platform/db/transaction.js';
import { newId } from '../../../platform/ids.js';
import type { ScheduledJob } from '../../../platform/scheduler.js';
import { sellableInWarehouses } from '../../inventory/index.js';
import { addOrderTimelines } from '../../orders/index.js';
import { ChannelClients } from '../channel-clients.js';
import { type ChannelRow, findChannelById } from '../channels.repository.js';
import { recordIncident } from '../reconciliation.repository.js';
import { channelSellable } from '../stock-push/channel-sellable.js';
import type { AmazonFeedsTable } from './amazon.tables.js';
import {
  channelsWithFeedWork,
  checkFeedLater,
  countStockPushed,
  delayInventory,
  dueAmazonLevels,
  dueCancellations,
  type FeedMessage,
  feedMessages,
  finishFeed,
  insertFeed,
  leaseFeedChannel,
  markCancellationsFailed,
  markCancellationsTold,
  markFeedSubmitted,
  openFeeds,
  recordAmazonLevels,
  recordMessageResults,
  recordStockErrors,
  releaseFeedChannel,
  saveCancellationItems,
  sellerSkusOf,
  takeFeedToken,
} from './amazon-feeds.repository.js';
import { inventoryListingsFeed, MAX_LISTINGS_MESSAGES } from './inventory-feed.js';
import { type OrderCancellation, orderCancellationFeed } from './order-cancellation-feed.js';
import {
  type FeedReport,
  readListingsProcessingReport,
  readXmlProcessingReport,
} from './processing-report.js';
import { type SpApiClient, SpApiError, type SpLimits } from './sp-api-client.js';
import {
  FINISHED_FEED_STATUSES,
  JSON_FEED_CONTENT_TYPE,
  JSON_LISTINGS_FEED,
  ORDER_ACKNOWLEDGEMENT_FEED,
  XML_FEED_CONTENT_TYPE,
} from './sp-api-feeds.schemas.js';

export interface AmazonFeedsDeps {
  db: Db;
  config: Pick<Config, 'channelSecretsKey' | 'sync'>;
}

export interface AmazonFeedsOptions {
  /** Usage plans to pace by (tests scale Amazon's); createFeed's is also the feeds' shared bucket. */
  limits?: SpLimits;
  /** Wait after createFeed, and between getFeed calls, for Amazon to process (minutes in real life). */
  checkEveryMs?: number;
  /** Tries of a cancellation (or a SKU's level) before it is given up. */
  maxAttempts?: number;
  /** The first wait after a failed try; it doubles per try, capped at an hour. */
  retryBaseMs?: number;
  /** At most this many cancellations in one feed. */
  cancellationsPerFeed?: number;
  /** How long due cancellations wait for the rest of their batch's item ids before going without them. */
  gatherMs?: number;
}

const LEASE_MS = 5 * 60_000;
/** createFeed tokens the stock feed leaves in the bucket, so a cancellation never waits for stock. */
const RESERVE_FOR_CANCELLATIONS = 3;

interface Round {
  channel: ChannelRow;
  client: SpApiClient;
  sellerId: string;
}

/**
 * What OrderSync sends Amazon as feeds, per channel and inside createFeed's quota (0.0083/s, burst 15,
 * the seller's across every feed type): cancellations made here as one POST_ORDER_ACKNOWLEDGEMENT_DATA
 * feed of all that are due, and stock as one JSON_LISTINGS_FEED of every SKU whose level changed.
 * A feed's processing report is read back (getFeed until DONE/FATAL/CANCELLED, then getFeedDocument)
 * and decides per message: told, or failed with Amazon's reason (retried with a doubling wait, dead in
 * the end); a FATAL feed is sent again whole. A scheduled job: each round does only what is due now
 * (no waiting on Amazon inside it), one process per channel (a lease).
 */
export class AmazonFeeds {
  readonly id = `amazon-feeds-${newId()}`;
  private readonly clients: ChannelClients;
  private readonly checkEveryMs: number;
  private readonly maxAttempts: number;
  private readonly retryBaseMs: number;
  private readonly perFeed: number;
  private readonly gatherMs: number;

  constructor(
    private readonly deps: AmazonFeedsDeps,
    options: AmazonFeedsOptions = {},
  ) {
    this.clients = options.limits
      ? new ChannelClients(deps.config, options.limits)
      : ChannelClients.of(deps.config);
    this.checkEveryMs = options.checkEveryMs ?? 30_000;
    this.maxAttempts = options.maxAttempts ?? 30;
    this.retryBaseMs = options.retryBaseMs ?? 2_000;
    this.perFeed = options.cancellationsPerFeed ?? 5_000;
    this.gatherMs = options.gatherMs ?? 60_000;
  }

  /** One round over every Amazon channel with feed work; how many messages were settled or sent. */
  async runOnce(): Promise<number> {
    let n = 0;
    for (const id of await channelsWithFeedWork(this.deps.db)) {
      const channel = await findChannelById(this.deps.db, id);
      if (channel) n += await this.serveChannel(channel);
    }
    return n;
  }

  private async serveChannel(channel: ChannelRow): Promise<number> {
    const { db } = this.deps;
    const lease = await leaseFeedChannel(db, channel.id, this.id, LEASE_MS);
    if (!lease) return 0;
    const round: Round = {
      channel,
      client: this.clients.amazon(channel),
      sellerId: this.clients.credentials(channel).sellerId ?? channel.code,
    };
    let n = 0;
    let failure: string | undefined;
    try {
      n += await this.readReports(round);
      n += await this.sendCancellations(round);
      if (new Date(lease.next_inventory_at).getTime() <= Date.now()) n += await this.sendStock(round);
    } catch (error) {
      failure = (error as Error).message;
      await recordIncident(db, channel.id, 'error', `Amazon feeds: ${failure}`);
    } finally {
      await releaseFeedChannel(db, channel.id, this.id, failure);
    }
    return n;
  }

  /** The createFeed bucket as this client paces it (10 % under Amazon's rate, one short of its burst). */
  private bucket(client: SpApiClient) {
    const l = client.limits.createFeed;
    return { rate: l.rate * 0.9, burst: Math.max(1, l.burst - 1) };
  }

  // ---- sending ---------------------------------------------------------------------------------

  private async sendCancellations(round: Round): Promise<number> {
    const { db } = this.deps;
    const { channel, client } = round;
    const due = await dueCancellations(db, channel.id, this.perFeed);
    if (due.length === 0) return 0;
    // Each item is cancelled with a reason, so Amazon's OrderItemIds are needed: read with
    // getOrderItems (its own quota, 0.5/s) as far as its bucket goes now, kept for the next rounds.
    const unreadable: Array<{ orderId: string; error: string }> = [];
    for (const c of due) {
      if (c.items || !client.ready('getOrderItems')) continue;
      try {
        c.items = (await client.getOrderItems(c.amazon_order_id)).map((i) => i.OrderItemId);
        await saveCancellationItems(db, channel.id, c.order_id, c.items);
      } catch (error) {
        // this order's own failure (Amazon does not know it): tried again later, dead in the end
        unreadable.push({ orderId: c.order_id, error: `getOrderItems: ${(error as Error).message}` });
      }
    }
    if (unreadable.length)
      await inTransaction(db, (trx) => this.cancellationsFailed(trx, channel, unreadable));
    const ready = due.filter((c) => c.items);
    // One feed for all that are due; orders whose items are still to read are waited for a while.
    const oldest = Math.min(...due.map((c) => new Date(c.next_attempt_at).getTime()));
    const gathered = ready.length === due.length || Date.now() - oldest > this.gatherMs;
    if (ready.length === 0 || !gathered || !client.ready('createFeed')) return 0;
    const orders: OrderCancellation[] = ready.map((c) => ({
      amazonOrderId: c.amazon_order_id,
      merchantOrderId: c.order_id,
      items: c.items!.map((orderItemId) => ({ orderItemId, reason: 'GeneralAdjustment' as const })),
    }));
    const messages: FeedMessage[] = ready.map((c, i) => ({ messageId: i + 1, orderId: c.order_id }));
    const content = orderCancellationFeed(round.sellerId, orders);
    return this.submit(
      round,
      'cancellations',
      ORDER_ACKNOWLEDGEMENT_FEED,
      XML_FEED_CONTENT_TYPE,
      content,
      messages,
      0,
    );
  }

  private async sendStock(round: Round): Promise<number> {
    const { db } = this.deps;
    const { channel, client } = round;
    if (!client.ready('createFeed')) return 0;
    // Versions first, stock second (as the Shopify pusher): a change behind a version read here
    // committed before, so the stock read after includes it.
    const due = await dueAmazonLevels(db, channel.id, MAX_LISTINGS_MESSAGES);
    if (due.length === 0) return 0;
    const sellers = await sellerSkusOf(
      db,
      channel.id,
      due.map((d) => d.sku),
    );
    const sellable = await sellableInWarehouses(
      db,
      due.map((d) => d.sku),
      channel.warehouses.length ? channel.warehouses : undefined,
    );
    const messages: FeedMessage[] = [];
    for (const d of due) {
      const skuSellers = sellers.get(d.sku) ?? [d.sku];
      if (messages.length + skuSellers.length > MAX_LISTINGS_MESSAGES) break;
      const quantity = channelSellable(sellable.get(d.sku) ?? 0, channel.stock_policy);
      for (const sellerSku of skuSellers)
        messages.push({
          messageId: messages.length + 1,
          sku: d.sku,
          sellerSku,
          version: d.version,
          quantity,
        });
    }
    const content = inventoryListingsFeed(
      round.sellerId,
      messages.map((m) => ({ sellerSku: m.sellerSku!, quantity: m.quantity! })),
    );
    return this.submit(
      round,
      'inventory',
      JSON_LISTINGS_FEED,
      JSON_FEED_CONTENT_TYPE,
      content,
      messages,
      Math.min(RESERVE_FOR_CANCELLATIONS, this.bucket(client).burst - 1),
    );
  }

  /**
   * Records the feed and its messages (the orders in it marked sent) with a createFeed token taken,
   * then submits it. Recorded first: a process dying after createFeed leaves a feed 'submitting',
   * which the next holder of the lease counts as failed and sends again (Amazon takes a cancellation
   * or an absolute level twice without harm).
   */
  private async submit(
    round: Round,
    purpose: AmazonFeedsTable['purpose'],
    feedType: string,
    contentType: string,
    content: string,
    messages: FeedMessage[],
    reserve: number,
  ): Promise<number> {
    const { db } = this.deps;
    const { channel, client } = round;
    const id = newId();
    const taken = await inTransaction(db, async (trx) => {
      if (!(await takeFeedToken(trx, channel.id, this.bucket(client), reserve))) return false;
      await insertFeed(trx, { id, channelId: channel.id, purpose, feedType }, messages);
      return true;
    });
    if (!taken) return 0;
    let feedId: string;
    try {
      ({ feedId } = await client.submitFeed(feedType, contentType, content));
    } catch (error) {
      const reason = error instanceof SpApiError ? error.message : `createFeed: ${(error as Error).message}`;
      await this.failFeed(round, { id, purpose }, null, reason);
      return 0;
    }
    await markFeedSubmitted(db, id, feedId, this.checkEveryMs);
    return messages.length;
  }

  // ---- reading back -----------------------------------------------------------------------------

  private async readReports(round: Round): Promise<number> {
    const { db } = this.deps;
    const { client } = round;
    let n = 0;
    for (const feed of await openFeeds(db, round.channel.id, LEASE_MS)) {
      if (feed.status === 'submitting' || !feed.amazon_feed_id) {
        await this.failFeed(round, feed, null, 'not known to have reached Amazon (the sender stopped)');
        continue;
      }
      if (!client.ready('getFeed')) break;
      try {
        n += await this.readReport(round, feed as typeof feed & { amazon_feed_id: string });
      } catch (error) {
        // Amazon not answering (5xx, timeouts, an expired report URL): read next time. A feed or
        // document Amazon says is not there (400, 404) will not be: the feed failed, its work is due again.
        const e = error as SpApiError;
        const reason = `reading feed ${feed.amazon_feed_id}: ${e.message}`;
        if (e instanceof SpApiError && (e.status === 400 || e.status === 404))
          await this.failFeed(round, feed, feed.processing_status, reason);
        else {
          await checkFeedLater(db, feed.id, feed.processing_status ?? 'IN_QUEUE', this.checkEveryMs);
          await recordIncident(db, round.channel.id, 'error', reason);
        }
      }
    }
    return n;
  }

  /** One open feed: its status, and once finished its report applied (or the feed failed). */
  private async readReport(
    round: Round,
    feed: Awaited<ReturnType<typeof openFeeds>>[number] & { amazon_feed_id: string },
  ): Promise<number> {
    const { db } = this.deps;
    const { client } = round;
    const status = await client.getFeed(feed.amazon_feed_id);
    if (!FINISHED_FEED_STATUSES.includes(status.processingStatus)) {
      await checkFeedLater(db, feed.id, status.processingStatus, this.checkEveryMs);
      return 0;
    }
    // getFeedDocument restores one request in 45 s: a report not readable now is read next round
    if (status.resultFeedDocumentId && !client.ready('getFeedDocument')) {
      await checkFeedLater(db, feed.id, status.processingStatus, Math.min(this.checkEveryMs, 5_000));
      return 0;
    }
    let report: FeedReport | undefined;
    let unreadable: string | undefined;
    if (status.resultFeedDocumentId) {
      const text = await client.readFeedDocument(status.resultFeedDocumentId);
      try {
        report =
          feed.feed_type === JSON_LISTINGS_FEED
            ? readListingsProcessingReport(text)
            : readXmlProcessingReport(text);
      } catch (error) {
        unreadable = (error as Error).message;
      }
    }
    if (
      status.processingStatus !== 'DONE' ||
      !report ||
      (report.processed === 0 && report.feedErrors.length)
    ) {
      const why = [
        `feed ${feed.amazon_feed_id} ${status.processingStatus}`,
        ...(report?.feedErrors ?? []),
        ...(unreadable ? [unreadable] : []),
        ...(status.processingStatus === 'DONE' && !report && !unreadable ? ['no processing report'] : []),
      ].join(': ');
      await this.failFeed(round, feed, status.processingStatus, why);
      return 0;
    }
    return this.applyReport(round, feed, report);
  }

  /** A DONE feed's report, message by message, in one transaction with the feed's end. */
  private async applyReport(
    round: Round,
    feed: { id: string; purpose: AmazonFeedsTable['purpose']; amazon_feed_id: string | null },
    report: FeedReport,
  ): Promise<number> {
    const { db } = this.deps;
    const { channel } = round;
    const messages = await feedMessages(db, feed.id);
    const results = messages.map((m) => ({ message: m, error: report.errors.get(m.message_id) }));
    await inTransaction(db, async (trx) => {
      await recordMessageResults(
        trx,
        feed.id,
        results.map((r) => ({ messageId: r.message.message_id, error: r.error })),
      );
      await finishFeed(trx, feed.id, {
        status: 'done',
        processingStatus: 'DONE',
        withError: results.filter((r) => r.error).length,
      });
      if (feed.purpose === 'cancellations') {
        const told = results.filter((r) => !r.error).map((r) => r.message.order_id!);
        await markCancellationsTold(trx, channel.id, told);
        const failed = results.flatMap((r) =>
          r.error
            ? [{ orderId: r.message.order_id!, error: `Amazon refused the cancellation: ${r.error}` }]
            : [],
        );
        const after = await markCancellationsFailed(
          trx,
          channel.id,
          failed,
          this.maxAttempts,
          this.retryBaseMs,
        );
        await addOrderTimelines(trx, [
          ...told.map((orderId) => ({
            orderId,
            kind: 'channel.cancellation_told',
            actor: `channel:${channel.code}`,
            message: `Amazon accepted the cancellation (feed ${feed.amazon_feed_id})`,
            data: { feedId: feed.amazon_feed_id },
            staffOnly: true,
          })),
          ...this.failureEntries(channel, failed, after),
        ]);
        for (const f of failed) await recordIncident(trx, channel.id, 'error', f.error);
      } else {
        const bySku = new Map<string, { version: number; level: number; errors: string[] }>();
        for (const r of results) {
          const sku = r.message.sku!;
          const entry = bySku.get(sku) ?? {
            version: Number(r.message.version),
            level: r.message.quantity!,
            errors: [],
          };
          if (r.error) entry.errors.push(`${r.message.seller_sku}: ${r.error}`);
          bySku.set(sku, entry);
        }
        const acks = [...bySku].flatMap(([sku, e]) => (e.errors.length ? [] : [{ sku, ...e }]));
        const refused = [...bySku].flatMap(([sku, e]) =>
          e.errors.length
            ? [{ sku, version: e.version, error: `Amazon refused the level: ${e.errors.join('; ')}` }]
            : [],
        );
        await recordAmazonLevels(trx, channel.id, acks);
        await recordStockErrors(trx, channel.id, refused, this.maxAttempts, this.retryBaseMs);
        await countStockPushed(trx, channel.id, acks.length, refused[0]?.error ?? null);
        if (refused.length)
          await recordIncident(
            trx,
            channel.id,
            'error',
            `Amazon refused ${refused.length} SKU level(s) of feed ${feed.amazon_feed_id}, e.g. ${refused[0]!.sku}: ${refused[0]!.error}`,
          );
      }
    });
    return messages.length;
  }

  /**
   * The feed as a whole did not go through (refused at createFeed, FATAL, CANCELLED, or never known to
   * have reached Amazon): its cancellations are due again after a doubling wait (dead after the last
   * try); its SKUs are due again after the feed's wait.
   */
  private async failFeed(
    round: Round,
    feed: { id: string; purpose: AmazonFeedsTable['purpose'] },
    processingStatus: string | null,
    reason: string,
  ): Promise<void> {
    const { db } = this.deps;
    const { channel } = round;
    const messages = await feedMessages(db, feed.id);
    await inTransaction(db, async (trx) => {
      await finishFeed(trx, feed.id, {
        status: processingStatus === 'CANCELLED' ? 'cancelled' : 'fatal',
        processingStatus,
        error: reason,
      });
      await recordIncident(trx, channel.id, 'error', `Amazon ${feed.purpose} feed failed: ${reason}`);
      if (feed.purpose === 'cancellations')
        await this.cancellationsFailed(
          trx,
          channel,
          messages.map((m) => ({ orderId: m.order_id!, error: reason })),
        );
      else await countStockPushed(trx, channel.id, 0, reason);
    });
    if (feed.purpose === 'inventory') await delayInventory(db, channel.id, this.retryBaseMs);
  }

  /** Cancellations that failed a try: due again after the wait or dead, each on its order's timeline. */
  private async cancellationsFailed(
    trx: Trx,
    channel: ChannelRow,
    failed: ReadonlyArray<{ orderId: string; error: string }>,
  ): Promise<void> {
    const after = await markCancellationsFailed(trx, channel.id, failed, this.maxAttempts, this.retryBaseMs);
    await addOrderTimelines(trx, this.failureEntries(channel, failed, after));
  }

  private failureEntries(
    channel: ChannelRow,
    failed: ReadonlyArray<{ orderId: string; error: string }>,
    after: ReadonlyArray<{ order_id: string; status: string; attempts: number }>,
  ) {
    const state = new Map(after.map((a) => [a.order_id, a]));
    return failed.map((f) => {
      const s = state.get(f.orderId);
      const dead = s?.status === 'dead';
      return {
        orderId: f.orderId,
        kind: dead ? 'channel.cancellation_dead' : 'channel.cancellation_failed',
        actor: `channel:${channel.code}`,
        message: dead
          ? `Amazon was not told of the cancellation after ${s?.attempts} tries: ${f.error}`
          : `Amazon was not told of the cancellation (try ${s?.attempts ?? '?'}, tried again later): ${f.error}`,
        data: { error: f.error, attempts: s?.attempts ?? null },
        staffOnly: true,
      };
    });
  }
}

/** The scheduler's job (every `serve` and `worker` process; the lease keeps one per channel). */
export function amazonFeedsJob(deps: AmazonFeedsDeps): ScheduledJob {
  const feeds = new AmazonFeeds(deps);
  return { name: 'channels-amazon-feeds', run: () => feeds.runOnce() };
}
