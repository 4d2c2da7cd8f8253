import type { Static } from 'typebox';
import type { Db } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { notFound } from '../../platform/errors.js';
import { toCloudEvent } from './cloud-event.js';
import { sequenceFeed } from './event-feed.js';
import { findFeedPosition, listEvents } from './events.repository.js';
import type { CloudEvent, EventFeedQuery } from './events.schemas.js';

export async function readEventFeed(db: Db, query: Static<typeof EventFeedQuery>) {
  // An unknown `after` is a 404 before anything is written: a refused request changes no row.
  let found = query.after ? await findFeedPosition(db, query.after) : undefined;
  if (query.after && !found) throw notFound('Event', query.after);
  // Sequence (and commit) before reading, so the read sees every event committed before it began,
  // whether or not a relay has fanned it out yet; then an `after` event has its feed position too.
  await inTransaction(db, sequenceFeed);
  let afterFeedPosition: number | undefined;
  if (query.after && found) {
    if (found.feedPosition === null) found = await findFeedPosition(db, query.after);
    if (found?.feedPosition == null) throw notFound('Event', query.after);
    afterFeedPosition = found.feedPosition;
  }
  const rows = await listEvents(db, {
    afterFeedPosition,
    subject: query.subject,
    type: query.type,
    limit: query.limit ?? 100,
  });
  const data: CloudEvent[] = rows.map(toCloudEvent);
  return { data, next: data.at(-1)?.id ?? query.after ?? null };
}
