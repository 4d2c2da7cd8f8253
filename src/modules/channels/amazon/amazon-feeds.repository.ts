import { type RawBuilder, sql } from 'kysely';
import type { Conn, Trx } from '../../../platform/db/database.js';
import { recordPushed } from '../stock-push/stock-levels.repository.js';
import type { AmazonFeedsTable } from './amazon.tables.js';

/** A doubling wait after the n-th failed try: base, 2 × base … capped at an hour. */
const retryWait = (attempts: number | RawBuilder<unknown>, baseMs: number) =>
  sql`now() + least(interval '1 hour', ${`${baseMs} milliseconds`}::interval * power(2, ${attempts} - 1))`;

/** Records an Amazon order's cancellation as due (once per order: a replayed event changes nothing). */
export async function recordCancellationDue(
  trx: Trx,
  c: { channelId: string; orderId: string; amazonOrderId: string },
): Promise<void> {
  await trx
    .insertInto('amazon_cancellations')
    .values({ channel_id: c.channelId, order_id: c.orderId, amazon_order_id: c.amazonOrderId })
    .onConflict((oc) => oc.columns(['channel_id', 'order_id']).doNothing())
    .execute();
}

/** Amazon channels with feed work: cancellations or stock levels due, or a feed whose report is unread. */
export async function channelsWithFeedWork(db: Conn): Promise<string[]> {
  const rows = await sql<{ id: string }>`
    select c.id from channels c
    where c.enabled and c.kind = 'amazon' and (
      exists (select 1 from amazon_cancellations a where a.channel_id = c.id and a.status = 'due' and a.next_attempt_at <= now())
      or exists (select 1 from amazon_feeds f where f.channel_id = c.id and f.status in ('submitting', 'submitted') and f.next_check_at <= now())
      or exists (select 1 from channel_stock_levels l where l.channel_id = c.id and l.version > l.pushed_version))
    order by c.id
  `.execute(db);
  return rows.rows.map((r) => r.id);
}

/** One process serves a channel's feeds at a time; a lease that runs out is taken over. */
export async function leaseFeedChannel(db: Conn, channelId: string, me: string, ms: number) {
  await db
    .insertInto('amazon_feed_state')
    .values({ channel_id: channelId })
    .onConflict((oc) => oc.column('channel_id').doNothing())
    .execute();
  const taken = await db
    .updateTable('amazon_feed_state')
    .set({ leased_by: me, leased_until: sql`now() + ${`${ms} milliseconds`}::interval` })
    .where('channel_id', '=', channelId)
    .where((eb) =>
      eb.or([
        eb('leased_until', 'is', null),
        eb('leased_until', '<', sql<Date>`now()`),
        eb('leased_by', '=', me),
      ]),
    )
    .returning(['next_inventory_at'])
    .executeTakeFirst();
  return taken;
}

export async function releaseFeedChannel(db: Conn, channelId: string, me: string, error?: string) {
  await db
    .updateTable('amazon_feed_state')
    .set({
      leased_by: null,
      leased_until: null,
      ...(error ? { last_error: error.slice(0, 500), last_error_at: sql`now()` } : {}),
    })
    .where('channel_id', '=', channelId)
    .where('leased_by', '=', me)
    .execute();
}

/**
 * Takes a createFeed token from the channel's bucket if it holds one more than `reserve` (the
 * inventory keeps some of the burst for cancellations). The bucket is a row, so processes share it.
 *
 *   update amazon_feed_state set feed_tokens = least(burst, tokens + rate × elapsed) − 1, tokens_at = now()
 *   where channel_id = $c and least(burst, tokens + rate × elapsed) >= 1 + reserve
 */
export async function takeFeedToken(
  trx: Trx,
  channelId: string,
  bucket: { rate: number; burst: number },
  reserve: number,
): Promise<boolean> {
  const refilled = sql`least(${bucket.burst}::float8, coalesce(feed_tokens, ${bucket.burst}::float8)
    + ${bucket.rate}::float8 * extract(epoch from (now() - tokens_at))::float8)`;
  const r = await sql`
    update amazon_feed_state set feed_tokens = ${refilled} - 1, tokens_at = now()
    where channel_id = ${channelId} and ${refilled} >= ${1 + reserve}::float8
  `.execute(trx);
  return Number(r.numAffectedRows ?? 0) > 0;
}

export async function dueCancellations(db: Conn, channelId: string, limit: number) {
  return db
    .selectFrom('amazon_cancellations')
    .select(['order_id', 'amazon_order_id', 'items', 'attempts', 'next_attempt_at'])
    .where('channel_id', '=', channelId)
    .where('status', '=', 'due')
    .where('next_attempt_at', '<=', sql<Date>`now()`)
    .orderBy('next_attempt_at')
    .limit(limit)
    .execute();
}

export async function saveCancellationItems(db: Conn, channelId: string, orderId: string, items: string[]) {
  await db
    .updateTable('amazon_cancellations')
    .set({ items: JSON.stringify(items) })
    .where('channel_id', '=', channelId)
    .where('order_id', '=', orderId)
    .execute();
}

export interface FeedMessage {
  messageId: number;
  orderId?: string;
  sku?: string;
  sellerSku?: string;
  version?: number;
  quantity?: number;
}

/** A feed about to be created, its messages, and (cancellations) the orders marked sent in it. */
export async function insertFeed(
  trx: Trx,
  feed: { id: string; channelId: string; purpose: AmazonFeedsTable['purpose']; feedType: string },
  messages: readonly FeedMessage[],
): Promise<void> {
  await trx
    .insertInto('amazon_feeds')
    .values({
      id: feed.id,
      channel_id: feed.channelId,
      purpose: feed.purpose,
      feed_type: feed.feedType,
      messages: messages.length,
    })
    .execute();
  for (let i = 0; i < messages.length; i += 1000)
    await trx
      .insertInto('amazon_feed_messages')
      .values(
        messages.slice(i, i + 1000).map((m) => ({
          feed_id: feed.id,
          message_id: m.messageId,
          order_id: m.orderId ?? null,
          sku: m.sku ?? null,
          seller_sku: m.sellerSku ?? null,
          version: m.version ?? null,
          quantity: m.quantity ?? null,
        })),
      )
      .execute();
  const orders = messages.flatMap((m) => (m.orderId ? [m.orderId] : []));
  if (orders.length)
    await trx
      .updateTable('amazon_cancellations')
      .set({ status: 'sent', feed_id: feed.id })
      .where('channel_id', '=', feed.channelId)
      .where('order_id', 'in', orders)
      .execute();
}

export async function markFeedSubmitted(db: Conn, feedId: string, amazonFeedId: string, checkInMs: number) {
  await db
    .updateTable('amazon_feeds')
    .set({
      amazon_feed_id: amazonFeedId,
      status: 'submitted',
      next_check_at: sql`now() + ${`${checkInMs} milliseconds`}::interval`,
    })
    .where('id', '=', feedId)
    .execute();
}

export async function openFeeds(db: Conn, channelId: string, staleSubmittingMs: number) {
  return db
    .selectFrom('amazon_feeds')
    .selectAll()
    .where('channel_id', '=', channelId)
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'submitted'), eb('next_check_at', '<=', sql<Date>`now()`)]),
        // left 'submitting' by a process that died between recording and createFeed
        eb.and([
          eb('status', '=', 'submitting'),
          eb('created_at', '<', sql<Date>`now() - ${`${staleSubmittingMs} milliseconds`}::interval`),
        ]),
      ]),
    )
    .orderBy('created_at')
    .execute();
}

export async function checkFeedLater(db: Conn, feedId: string, processingStatus: string, inMs: number) {
  await db
    .updateTable('amazon_feeds')
    .set({
      processing_status: processingStatus,
      next_check_at: sql`now() + ${`${inMs} milliseconds`}::interval`,
    })
    .where('id', '=', feedId)
    .execute();
}

export async function finishFeed(
  trx: Trx,
  feedId: string,
  f: {
    status: 'done' | 'fatal' | 'cancelled';
    processingStatus: string | null;
    withError?: number;
    error?: string;
  },
) {
  await trx
    .updateTable('amazon_feeds')
    .set({
      status: f.status,
      processing_status: f.processingStatus,
      messages_with_error: f.withError ?? null,
      last_error: f.error?.slice(0, 2000) ?? null,
      finished_at: sql`now()`,
    })
    .where('id', '=', feedId)
    .execute();
}

export const feedMessages = (db: Conn, feedId: string) =>
  db
    .selectFrom('amazon_feed_messages')
    .selectAll()
    .where('feed_id', '=', feedId)
    .orderBy('message_id')
    .execute();

export async function recordMessageResults(
  trx: Trx,
  feedId: string,
  results: ReadonlyArray<{ messageId: number; error: string | undefined }>,
) {
  if (results.length === 0) return;
  await sql`
    update amazon_feed_messages m set result = case when r.error is null then 'ok' else 'error' end, error = r.error
    from unnest(${results.map((r) => r.messageId)}::int[], ${results.map((r) => r.error ?? null)}::text[]) as r(id, error)
    where m.feed_id = ${feedId} and m.message_id = r.id
  `.execute(trx);
}

export async function markCancellationsTold(trx: Trx, channelId: string, orderIds: readonly string[]) {
  if (orderIds.length === 0) return;
  await trx
    .updateTable('amazon_cancellations')
    .set({ status: 'told', told_at: sql`now()`, last_error: null, attempts: sql`attempts + 1` })
    .where('channel_id', '=', channelId)
    .where('order_id', 'in', orderIds)
    .where('status', '=', 'sent')
    .execute();
}

/** Failed tries: due again after a doubling wait, or dead after `maxAttempts`; which ones died. */
export async function markCancellationsFailed(
  trx: Trx,
  channelId: string,
  failures: ReadonlyArray<{ orderId: string; error: string }>,
  maxAttempts: number,
  retryBaseMs: number,
): Promise<Array<{ order_id: string; status: string; attempts: number }>> {
  if (failures.length === 0) return [];
  const r = await sql<{ order_id: string; status: string; attempts: number }>`
    update amazon_cancellations a set
      attempts = a.attempts + 1,
      last_error = f.error,
      feed_id = null,
      status = case when a.attempts + 1 >= ${maxAttempts}::int then 'dead' else 'due' end,
      next_attempt_at = ${retryWait(sql`a.attempts + 1`, retryBaseMs)}
    from unnest(${failures.map((f) => f.orderId)}::uuid[], ${failures.map((f) => f.error.slice(0, 2000))}::text[]) as f(order_id, error)
    where a.channel_id = ${channelId} and a.order_id = f.order_id and a.status in ('sent', 'due')
    returning a.order_id, a.status, a.attempts
  `.execute(trx);
  return r.rows;
}

/**
 * A channel's SKUs whose level is to send: newer than what Amazon acknowledged, in no feed still in
 * flight (an older level in flight blocks a newer one until its report is read), not waiting out a
 * refusal. Oldest change first.
 */
export async function dueAmazonLevels(db: Conn, channelId: string, limit: number) {
  const r = await sql<{ sku: string; version: string | number }>`
    select l.sku, l.version from channel_stock_levels l
    where l.channel_id = ${channelId} and l.version > l.pushed_version
      and not exists (
        select 1 from amazon_feed_messages m join amazon_feeds f on f.id = m.feed_id
        where f.channel_id = ${channelId} and f.status in ('submitting', 'submitted') and m.sku = l.sku)
      and not exists (
        select 1 from amazon_stock_errors e where e.channel_id = ${channelId} and e.sku = l.sku
          and (e.retry_at > now() or (e.retry_at is null and e.version >= l.version)))
    order by l.changed_at
    limit ${limit}
  `.execute(db);
  return r.rows.map((row) => ({ sku: row.sku, version: Number(row.version) }));
}

/** Seller SKUs per SKU from the channel's SKU map (a SKU mapped to none is sold under its own). */
export async function sellerSkusOf(db: Conn, channelId: string, skus: readonly string[]) {
  const out = new Map<string, string[]>(skus.map((s) => [s, []]));
  if (skus.length === 0) return out;
  const rows = await db
    .selectFrom('channel_sku_map')
    .select(['channel_sku', 'sku'])
    .where('channel_id', '=', channelId)
    .where('sku', 'in', skus)
    .orderBy('channel_sku')
    .execute();
  for (const r of rows) out.get(r.sku)?.push(r.channel_sku);
  for (const [sku, sellers] of out) if (sellers.length === 0) sellers.push(sku);
  return out;
}

/**
 * What Amazon acknowledged, each only over an older acknowledgement (never backwards), and the SKU's
 * refusals forgotten.
 */
export async function recordAmazonLevels(
  trx: Trx,
  channelId: string,
  acks: ReadonlyArray<{ sku: string; version: number; level: number }>,
) {
  if (acks.length === 0) return;
  await recordPushed(trx, channelId, acks);
  await trx
    .deleteFrom('amazon_stock_errors')
    .where('channel_id', '=', channelId)
    .where(
      'sku',
      'in',
      acks.map((a) => a.sku),
    )
    .execute();
}

/** SKUs Amazon refused: tried again after a doubling wait, given up (until a new level) after the last. */
export async function recordStockErrors(
  trx: Trx,
  channelId: string,
  errors: ReadonlyArray<{ sku: string; version: number; error: string }>,
  maxAttempts: number,
  retryBaseMs: number,
) {
  if (errors.length === 0) return;
  await sql`
    insert into amazon_stock_errors as e (channel_id, sku, version, attempts, retry_at, last_error)
    select ${channelId}, x.sku, x.version, 1, ${retryWait(1, retryBaseMs)}, x.error
    from unnest(${errors.map((e) => e.sku)}::text[], ${errors.map((e) => e.version)}::bigint[],
                ${errors.map((e) => e.error.slice(0, 2000))}::text[]) as x(sku, version, error)
    on conflict (channel_id, sku) do update set
      version = excluded.version,
      attempts = e.attempts + 1,
      last_error = excluded.last_error,
      retry_at = case when e.attempts + 1 >= ${maxAttempts}::int then null
                      else ${retryWait(sql`e.attempts + 1`, retryBaseMs)} end
  `.execute(trx);
}

/** The stock-push status counters (GET /v1/channels/{id}/stock-push) for Amazon's feeds too. */
export async function countStockPushed(trx: Trx, channelId: string, acked: number, error: string | null) {
  await trx
    .insertInto('channel_stock_push')
    .values({ channel_id: channelId })
    .onConflict((oc) => oc.column('channel_id').doNothing())
    .execute();
  await trx
    .updateTable('channel_stock_push')
    .set((eb) => ({
      pushed_total: eb('pushed_total', '+', acked),
      last_pushed_at: sql`now()`,
      ...(error ? { last_error: error.slice(0, 500), last_error_at: sql`now()` } : {}),
    }))
    .where('channel_id', '=', channelId)
    .execute();
}

export async function delayInventory(db: Conn, channelId: string, ms: number) {
  await db
    .updateTable('amazon_feed_state')
    .set({ next_inventory_at: sql`now() + ${`${ms} milliseconds`}::interval` })
    .where('channel_id', '=', channelId)
    .execute();
}

/** What the channel's health shows of its feeds. */
export async function feedHealth(db: Conn, channelId: string) {
  const r = await sql<{ due: number; dead: number; in_flight: number; stock_refused: number }>`
    select
      (select count(*)::int from amazon_cancellations where channel_id = ${channelId} and status in ('due', 'sent')) as due,
      (select count(*)::int from amazon_cancellations where channel_id = ${channelId} and status = 'dead') as dead,
      (select count(*)::int from amazon_feeds where channel_id = ${channelId} and status in ('submitting', 'submitted')) as in_flight,
      (select count(*)::int from amazon_stock_errors where channel_id = ${channelId}) as stock_refused
  `.execute(db);
  return r.rows[0]!;
}
