import { type RawBuilder, sql } from 'kysely';
import type { Trx } from '../../platform/db/database.js';

/** The advisory lock that lets one sequencer at a time append to the feed (FANOUT_LOCK's neighbour, per schema). */
export const FEED_LOCK = sql`${0x05_1c_0f_ed}::int4, hashtext(current_schema())`;

/**
 * Appends the committed events that have no feed position yet to event_feed, in the caller's
 * transaction. Those are all in outbox_pending (enqueue writes the row with the event, fan-out deletes
 * it only after calling this), so the statement never looks at the whole outbox.
 *
 * Sequencers run one at a time: the lock is held until the caller commits, and the insert's snapshot is
 * taken after the lock is granted, so it sees what the previous sequencer wrote. Feed positions are
 * therefore handed out in the order sequencers commit, and a reader that sees feed position f sees every
 * smaller one: paging by feed position skips nothing. Per order, positions are drawn under the subject's
 * row lock (enqueue), so they follow sequence and commit order, and an event is never visible before the
 * earlier ones of its order: a batch in position order keeps each order's sequence.
 *
 * Lock order: fan-out holds FANOUT_LOCK (try) and then waits for this one; a feed reader takes only this.
 *
 *   select pg_advisory_xact_lock($FEED_LOCK);
 *   insert into event_feed (event_position)
 *   select p.position from outbox_pending p
 *   left join lateral (select 1 as fed from event_feed f where f.event_position = p.position limit 1) f on true
 *   where f.fed is null
 *   order by p.position
 *
 * A probe of the feed's index per pending event, not `not exists`: with outbox_pending's count stale
 * (it empties and fills every round) the planner hashed the whole feed each round, 3.4 ms at 14,000
 * events and growing with every event ever sent.
 */
export async function sequenceFeed(trx: Trx): Promise<void> {
  await sequenceFeedAndTake(trx, []);
}

/**
 * sequenceFeed, then `positions` taken off outbox_pending (fan-out's batch) in the same statement:
 * both parts see one snapshot, taken after the lock, so the feed gets the batch before it leaves.
 * Returns the positions this call took (another relay may have taken some already).
 *
 *   with sequenced as (insert into event_feed … as above)
 *   delete from outbox_pending where position = any($positions)
 */
export async function sequenceFeedAndTake(
  trx: Trx,
  positions: readonly number[],
  /** A lock the caller waits for first, in the same statement (fan-out's, before the feed's). */
  first?: RawBuilder<unknown>,
): Promise<Set<number>> {
  await sql`select ${first ? sql`pg_advisory_xact_lock(${first}), ` : sql``}pg_advisory_xact_lock(${FEED_LOCK})`.execute(
    trx,
  );
  const taken = await sql<{ position: string }>`
    with sequenced as (
      insert into event_feed (event_position)
      select p.position from outbox_pending p
      left join lateral (select 1 as fed from event_feed f where f.event_position = p.position limit 1) f on true
      where f.fed is null
      order by p.position
    )
    delete from outbox_pending where position = any(${positions}::int8[])
    returning position
  `.execute(trx);
  return new Set(taken.rows.map((r) => Number(r.position)));
}
