import { sql } from 'kysely';
import type { Trx } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import { EVENT_TYPE_PREFIX, type EventData, type EventType } from './event-catalogue.js';

export interface PendingEvent<T extends EventType = EventType> {
  type: T;
  data: EventData<T>;
}

/**
 * Writes events for one subject (an order id) into the outbox, inside the caller's transaction, in
 * one statement. Sequences come from outbox_subjects: the upsert row-locks the subject until commit,
 * so two transactions on one order take their numbers in the order they commit, with no gaps. Each
 * event also gets an outbox_pending row, the relay's to-do list: work found by row state is never
 * skipped, however late its transaction commits. No NOTIFY here: it would serialize every commit.
 *
 *   with counter as (
 *     insert into outbox_subjects (subject, last_sequence) values ($subject, $n)
 *     on conflict (subject) do update set last_sequence = outbox_subjects.last_sequence + $n
 *     returning last_sequence),
 *   written as (
 *     insert into outbox (id, source, type, subject, sequence, data)
 *     select e.id, $source, e.type, $subject, counter.last_sequence - $n + e.ord, e.data::jsonb
 *     from counter, unnest($ids, $types, $data) with ordinality e(id, type, data, ord)
 *     returning position)
 *   insert into outbox_pending (position) select position from written
 */
export async function enqueue(
  trx: Trx,
  source: string,
  subject: string,
  events: PendingEvent[],
): Promise<void> {
  if (events.length === 0) return;
  const n = events.length;
  await sql`
    with counter as (
      insert into outbox_subjects (subject, last_sequence) values (${subject}, ${n})
      on conflict (subject) do update set last_sequence = outbox_subjects.last_sequence + ${n}
      returning last_sequence
    ),
    written as (
      insert into outbox (id, source, type, subject, sequence, data)
      select e.id, ${`/ordersync/${source}`}, e.type, ${subject}, counter.last_sequence - ${n} + e.ord, e.data::jsonb
      from counter,
        unnest(${events.map(() => newId())}::uuid[], ${events.map((e) => EVENT_TYPE_PREFIX + e.type)}::text[],
               ${events.map((e) => JSON.stringify(e.data))}::text[]) with ordinality as e(id, type, data, ord)
      returning position
    )
    insert into outbox_pending (position) select position from written
  `.execute(trx);
}
