import { sql } from 'kysely';
import type { Db, Trx } from '../../../platform/db/database.js';
import { inTransaction } from '../../../platform/db/transaction.js';
import { newId } from '../../../platform/ids.js';
import { syncDeliveryAttempts, syncDeliveryLatency } from '../../../platform/metrics.js';
import type { RelayEvent } from '../cloud-event.js';
import { sequenceFeedAndTake } from '../event-feed.js';
import { matchesAny } from '../event-patterns.js';
import type { InlineSender, ReadyTargets } from '../transports/transport.js';
import { type ClaimedDelivery, type TargetRow, toTarget } from './claimed-delivery.js';

/**
 * The advisory lock that lets one relay at a time fan out (see below), keyed by the schema too: two
 * OrderSyncs in separate schemas of one database (the test suite's files) do not take turns.
 */
export const FANOUT_LOCK = sql`${0x05_1c_0f_a0}::int4, hashtext(current_schema())`;

interface PendingEvent extends RelayEvent {
  position: number;
}

interface SubscriptionRow extends TargetRow {
  event_types: string[];
  status: string;
}

interface FanOutRow {
  id: string;
  event: PendingEvent;
  subscription: SubscriptionRow;
}

/** A consumer threw inside the inline transaction: it is run again without inline consumers. */
class InlineFailed extends Error {}

export interface FanOutResult {
  /** Outbox events read in this round. */
  events: number;
  /** Deliveries created already claimed by this relay: it sends them right away. */
  claimed: ClaimedDelivery[];
  /**
   * Set when inline consumers take events of this round: applies them and takes the round's events off
   * outbox_pending (the second transaction, below). Resolves to deliveries it created claimed (for a
   * consumer that threw); the relay runs it beside the sends and before its next fan-out.
   */
  inline?: () => Promise<ClaimedDelivery[]>;
}

export interface FanOutOptions {
  relayId: string;
  batchSize: number;
  leaseMs: number;
  ready: ReadyTargets;
  /** In-process consumers whose events are applied in fan-out's second transaction (see above). */
  inline?: InlineSender;
}

interface InlineBatch {
  positions: number[];
  rows: FanOutRow[];
}

/**
 * Turns pending outbox events into deliveries, one per matching subscription, in one transaction that
 * also deletes them from outbox_pending: an event is fanned out exactly when its deliveries exist.
 *
 * One relay at a time (pg_try_advisory_xact_lock; the others skip this step and only claim). That keeps
 * each order's events fanned out as a prefix in sequence order: per subject, positions are drawn under
 * the subject's row lock, so they follow sequence and commit order, and reading in position order
 * cannot take sequence 2 while sequence 1 (committed earlier, so visible) is left for later. Creating a
 * subscription takes the same lock, so no event falls between "created" and "fanned out". Before the
 * delete it appends the batch (and whatever else has committed) to the event feed (sequenceFeed, which
 * waits for FEED_LOCK while holding this one; feed readers take only FEED_LOCK, so no cycle).
 *
 * In-process consumers whose work is all in the database (`inline`) get no deliveries: their events
 * are applied in a second transaction that takes the round's events off outbox_pending, with their
 * inbox rows, so what they write commits exactly when the events leave the to-do list, and nothing
 * else needs to remember them (no delivery row to insert, claim and settle; no transaction of their
 * own). The first transaction then creates the other subscriptions' deliveries and leaves the events
 * pending: webhooks and brokers are sent at once, not after the consumers' work. Should the second not
 * commit (a crash), the events are read again next round and find their deliveries there already
 * (on conflict do nothing); should another relay take the events first, the delete returns none of
 * them and nothing is applied twice. An order with something undelivered for a consumer (a retry
 * under way, a dead letter) gets a delivery that waits behind it, as before. A consumer that throws
 * rolls the second transaction back; it runs again without inline consumers, so their events become
 * deliveries, tried at once through the transport and retried with its backoff like any other.
 *
 * A new delivery is claimed on the spot (attempts 1, leased to this relay) when its subscription is
 * active over a ready transport and nothing of the same order is still undelivered for it; the
 * NOT EXISTS sees the table as it was before this statement, so all of one order's new events in the
 * batch are claimed together or not at all, and the relay sends them in sequence. Deliveries of a
 * paused or disabled subscription are parked (due 'infinity', see parkDeliveries) until it resumes.
 *
 *   insert into deliveries (…, attempts, locked_by, locked_until)
 *   select r.…, case when c.claim then 1 else 0 end, case when c.claim then $relay end, …
 *   from unnest($ids, $subscriptions, $events, …) as r(…)
 *   cross join lateral (
 *     select s.status = 'active' and (s.transport = any($ready) or s.id = any($consumers)) and not exists (
 *       select 1 from deliveries e where e.subscription_id = r.subscription_id
 *         and e.subject = r.subject and e.status <> 'delivered') as claim
 *     from subscriptions s where s.id = r.subscription_id) c
 *   on conflict (subscription_id, event_id) do nothing
 *   returning id, subscription_id, event_id, locked_by is not null as claimed
 */
export async function fanOut(db: Db, options: FanOutOptions): Promise<FanOutResult> {
  // An idle relay polls (every RELAY_POLL_INTERVAL_MS): one statement when there is nothing to fan
  // out, not a transaction of four. A row committed just after this look waits for the next poll.
  const any = await sql<{ any: boolean }>`select exists (select 1 from outbox_pending) as any`.execute(db);
  if (!any.rows[0]?.any) return { events: 0, claimed: [] };
  const { events, claimed, inlineBatch } = await inTransaction(db, (trx) => createDeliveries(trx, options));
  if (!inlineBatch) return { events, claimed };
  return { events, claimed, inline: () => applyInline(db, options, inlineBatch) };
}

async function createDeliveries(
  trx: Trx,
  options: FanOutOptions,
): Promise<{ events: number; claimed: ClaimedDelivery[]; inlineBatch?: InlineBatch }> {
  const lock = await sql<{ ok: boolean }>`select pg_try_advisory_xact_lock(${FANOUT_LOCK}) as ok`.execute(
    trx,
  );
  if (!lock.rows[0]?.ok) return { events: 0, claimed: [] };

  const pending = await sql<PendingEvent>`
    select o.position, o.id, o.source, o.type, o.subject, o.sequence, o.time, o.data::text as "dataJson"
    from outbox_pending p join outbox o on o.position = p.position
    order by p.position
    limit ${options.batchSize}
  `.execute(trx);
  if (pending.rows.length === 0) return { events: 0, claimed: [] };

  const subscriptions = await trx
    .selectFrom('subscriptions')
    .select([
      'id',
      'transport',
      'url',
      'secret',
      'previous_secret',
      'previous_secret_expires_at',
      'event_types',
      'status',
    ])
    .execute();
  const rows: FanOutRow[] = [];
  const inline: FanOutRow[] = [];
  for (const event of pending.rows) {
    for (const subscription of subscriptions) {
      if (!matchesAny(subscription.event_types, event.type)) continue;
      const row = { id: newId(), event, subscription };
      if (subscription.status === 'active' && options.inline?.takes(subscription.id)) inline.push(row);
      else rows.push(row);
    }
  }
  const claimed = await insertDeliveries(trx, rows, options);
  const positions = pending.rows.map((e) => e.position);
  if (inline.length > 0)
    return { events: pending.rows.length, claimed, inlineBatch: { positions, rows: inline } };
  // The feed finds unsequenced events in outbox_pending: sequence before deleting (one statement, one
  // snapshot). This snapshot is newer than the one that read `pending`, so it covers the batch; late,
  // so the feed lock is held briefly.
  await sequenceFeedAndTake(trx, positions);
  return { events: pending.rows.length, claimed };
}

/** The second transaction: inline consumers apply the round's events as it takes them off the to-do list. */
async function applyInline(db: Db, options: FanOutOptions, batch: InlineBatch): Promise<ClaimedDelivery[]> {
  const applied: FanOutRow[] = [];
  try {
    const claimed = await inTransaction(db, (trx) => takeAndApply(trx, options, batch, applied));
    const now = Date.now();
    for (const row of applied) {
      syncDeliveryAttempts.inc({ transport: 'consumer', outcome: 'delivered' });
      syncDeliveryLatency.observe(
        { transport: 'consumer' },
        Math.max(0, (now - row.event.time.getTime()) / 1000),
      );
    }
    return claimed;
  } catch (error) {
    if (!(error instanceof InlineFailed)) throw error;
    return inTransaction(db, (trx) => takeAndApply(trx, { ...options, inline: undefined }, batch, []));
  }
}

async function takeAndApply(
  trx: Trx,
  options: FanOutOptions,
  batch: InlineBatch,
  applied: FanOutRow[],
): Promise<ClaimedDelivery[]> {
  applied.length = 0; // a deadlock retry (inTransaction) starts over
  // Waits for a fan-out running elsewhere (FANOUT_LOCK, before the feed's): it may be taking these very
  // events (then none are returned).
  const taken = await sequenceFeedAndTake(trx, batch.positions, FANOUT_LOCK);
  let rows = batch.rows.filter((r) => taken.has(r.event.position));
  if (rows.length === 0) return [];
  if (options.inline) {
    const done = new Set(await deliverInline(trx, rows, options.inline));
    applied.push(...done);
    rows = rows.filter((r) => !done.has(r));
  }
  return insertDeliveries(trx, rows, options);
}

/** Applies `rows` through `inline` in `trx`, but for orders waiting behind a delivery; those applied. */
async function deliverInline(trx: Trx, rows: FanOutRow[], inline: InlineSender): Promise<FanOutRow[]> {
  const open = await sql<{ subscription_id: string; subject: string }>`
    select distinct subscription_id, subject from deliveries
    where status <> 'delivered'
      and subscription_id = any(${[...new Set(rows.map((r) => r.subscription.id))]}::uuid[])
      and subject = any(${[...new Set(rows.map((r) => r.event.subject))]}::text[])
  `.execute(trx);
  const waiting = new Set(open.rows.map((o) => `${o.subscription_id} ${o.subject}`));
  const bySubscription = new Map<string, FanOutRow[]>();
  for (const row of rows) {
    if (waiting.has(`${row.subscription.id} ${row.event.subject}`)) continue;
    const list = bySubscription.get(row.subscription.id);
    if (list) list.push(row);
    else bySubscription.set(row.subscription.id, [row]);
  }
  if (bySubscription.size === 0) return [];
  try {
    await inline.sendWithin(
      trx,
      new Map([...bySubscription].map(([id, list]) => [id, list.map((r) => r.event)])),
    );
  } catch (error) {
    throw new InlineFailed(`inline consumers failed: ${(error as Error).message}`);
  }
  return [...bySubscription.values()].flat();
}

/** Inserts the rows' deliveries (the statement in fanOut's comment); those claimed by this relay. */
async function insertDeliveries(
  trx: Trx,
  rows: FanOutRow[],
  options: FanOutOptions,
): Promise<ClaimedDelivery[]> {
  if (rows.length === 0) return [];
  const inserted = await sql<{ id: string; claimed: boolean }>`
    insert into deliveries
      (id, subscription_id, event_id, event_position, event_type, subject, sequence, next_attempt_at,
       attempts, locked_by, locked_until)
    select r.id, r.subscription_id, r.event_id, r.position, r.type, r.subject, r.sequence,
      case when c.active then now() else 'infinity' end,
      case when c.claim then 1 else 0 end,
      case when c.claim then ${options.relayId} end,
      case when c.claim then now() + ${options.leaseMs} * interval '1 millisecond' end
    from unnest(
      ${rows.map((r) => r.id)}::uuid[], ${rows.map((r) => r.subscription.id)}::uuid[],
      ${rows.map((r) => r.event.id)}::uuid[], ${rows.map((r) => r.event.position)}::int8[],
      ${rows.map((r) => r.event.type)}::text[], ${rows.map((r) => r.event.subject)}::text[],
      ${rows.map((r) => r.event.sequence)}::int8[]
    ) as r(id, subscription_id, event_id, position, type, subject, sequence)
    cross join lateral (
      select s.status = 'active' as active,
        s.status = 'active' and (s.transport = any(${options.ready.transports}::text[]) or s.id = any(${options.ready.subscriptions}::uuid[])) and not exists (
        select 1 from deliveries e
        where e.subscription_id = r.subscription_id and e.subject = r.subject and e.status <> 'delivered'
      ) as claim
      from subscriptions s where s.id = r.subscription_id
    ) c
    on conflict (subscription_id, event_id) do nothing
    returning id, locked_by is not null as claimed
  `.execute(trx);
  const byId = new Map(rows.map((r) => [r.id, r]));
  const now = new Date();
  const claimed: ClaimedDelivery[] = [];
  for (const row of inserted.rows) {
    const r = byId.get(row.id);
    if (!row.claimed || !r) continue;
    claimed.push({
      id: r.id,
      subscriptionId: r.subscription.id,
      attempts: 1,
      target: toTarget(r.subscription, now),
      event: r.event,
    });
  }
  return claimed;
}
