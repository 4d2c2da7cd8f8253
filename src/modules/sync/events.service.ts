import type { Static } from 'typebox';
import type { Db } from '../../platform/db/database.js';
import { notFound } from '../../platform/errors.js';
import { toCloudEvent } from './cloud-event.js';
import { findEventPosition, listEvents } from './events.repository.js';
import type { CloudEvent, EventFeedQuery } from './events.schemas.js';

export async function readEventFeed(db: Db, query: Static<typeof EventFeedQuery>) {
  const afterPosition = query.after ? await findEventPosition(db, query.after) : undefined;
  if (query.after && afterPosition === undefined) throw notFound('Event', query.after);
  const rows = await listEvents(db, {
    afterPosition,
    subject: query.subject,
    type: query.type,
    limit: query.limit ?? 100,
  });
  const data: CloudEvent[] = rows.map(toCloudEvent);
  return { data, next: data.at(-1)?.id ?? query.after ?? null };
}
