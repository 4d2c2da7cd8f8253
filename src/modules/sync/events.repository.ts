import type { Conn } from '../../platform/db/database.js';

export interface EventFilter {
  afterFeedPosition?: number;
  subject?: string;
  type?: string;
  limit: number;
}

/**
 * The event feed, in feed order: event_feed is appended to after commit, one sequencer at a time
 * (sequenceFeed in event-feed.ts), so a snapshot that sees a feed position sees every smaller one and
 * a reader resuming "after feed position F" cannot skip an event that commits later: it gets a larger
 * one. (outbox.position is drawn at insert and can become visible out of order; it only breaks ties
 * within one sequencer's batch.)
 *
 *   select … from event_feed f join outbox o on o.position = f.event_position
 *   where f.feed_position > $after
 *   order by f.feed_position limit $limit
 */
export async function listEvents(db: Conn, filter: EventFilter) {
  let q = db
    .selectFrom('event_feed as f')
    .innerJoin('outbox as o', 'o.position', 'f.event_position')
    .select(['f.feed_position', 'o.id', 'o.source', 'o.type', 'o.subject', 'o.sequence', 'o.time', 'o.data'])
    .orderBy('f.feed_position')
    .limit(filter.limit);
  if (filter.afterFeedPosition !== undefined) q = q.where('f.feed_position', '>', filter.afterFeedPosition);
  if (filter.subject) q = q.where('o.subject', '=', filter.subject);
  if (filter.type) q = q.where('o.type', '=', filter.type);
  return q.execute();
}

/**
 * Where an event stands in the feed: undefined when there is no such (committed) event, a null
 * feedPosition when it exists but has not been sequenced yet.
 */
export async function findFeedPosition(
  db: Conn,
  id: string,
): Promise<{ feedPosition: number | null } | undefined> {
  const row = await db
    .selectFrom('outbox as o')
    .leftJoin('event_feed as f', 'f.event_position', 'o.position')
    .select('f.feed_position')
    .where('o.id', '=', id)
    .executeTakeFirst();
  return row && { feedPosition: row.feed_position };
}

/** The event's outbox position (the relay's order, used for subscription backfill and replay). */
export async function findEventPosition(db: Conn, id: string): Promise<number | undefined> {
  const row = await db.selectFrom('outbox').select('position').where('id', '=', id).executeTakeFirst();
  return row?.position;
}
