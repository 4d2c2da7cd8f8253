import { sql } from 'kysely';
import type { Trx } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import { EVENT_TYPE_PREFIX, type EventData, type EventType } from './event-catalogue.js';

export interface PendingEvent<T extends EventType = EventType> {
  type: T;
  data: EventData<T>;
}

/**
 * Writes events for one subject (an order id) into the outbox, inside the caller's transaction.
 * Sequences come from outbox_subjects: the upsert row-locks the subject until commit, so two
 * transactions on one order take their numbers in the order they commit, with no gaps.
 *
 *   insert into outbox_subjects (subject, last_sequence) values ($1, $n)
 *   on conflict (subject) do update set last_sequence = outbox_subjects.last_sequence + $n
 *   returning last_sequence
 */
export async function enqueue(trx: Trx, source: string, subject: string, events: PendingEvent[]): Promise<void> {
  if (events.length === 0) return;
  const n = events.length;
  const { last_sequence } = await trx
    .insertInto('outbox_subjects')
    .values({ subject, last_sequence: n })
    .onConflict((oc) =>
      oc.column('subject').doUpdateSet({ last_sequence: sql<number>`outbox_subjects.last_sequence + ${n}` }),
    )
    .returning('last_sequence')
    .executeTakeFirstOrThrow();
  const first = last_sequence - n + 1;
  await trx
    .insertInto('outbox')
    .values(
      events.map((e, i) => ({
        id: newId(),
        source: `/ordersync/${source}`,
        type: EVENT_TYPE_PREFIX + e.type,
        subject,
        sequence: first + i,
        data: JSON.stringify(e.data),
      })),
    )
    .execute();
}
