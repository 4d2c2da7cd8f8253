import { isOperationNodeSource, type RawBuilder, sql } from 'kysely';
import type { Trx } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';
import { EVENT_TYPE_PREFIX, type EventData, type EventType } from './event-catalogue.js';

/**
 * An event to write: its type and the payload that type carries (event-catalogue.ts). A union over
 * the types, so `{ type: 'order.shipped', data }` compiles only when `data` is an order.shipped
 * payload, not any event's.
 */
export type PendingEvent<T extends EventType = EventType> = { [K in T]: { type: K; data: EventData<K> } }[T];

/**
 * The same, with `data` possibly an SQL expression over the caller's statement (outboxWrites), and
 * `source` the module that writes it when not the statement's (a payment's event in the order's).
 */
export type EventWrite = {
  [K in EventType]: { type: K; data: EventData<K> | RawBuilder<unknown>; source?: string };
}[EventType];

/**
 * Writes events for one subject (an order id) into the outbox, inside the caller's transaction, in
 * one statement. Sequences come from outbox_subjects: the upsert row-locks the subject until commit,
 * so two transactions on one order take their numbers in the order they commit, with no gaps. Each
 * event also gets an outbox_pending row, the relay's to-do list and where the event feed's sequencer
 * (event-feed.ts) finds events to append after commit: work found by row state is never skipped, however
 * late its transaction commits. No NOTIFY here: it would serialize every commit.
 *
 *   with outbox_counter as (
 *     insert into outbox_subjects (subject, last_sequence) values ($subject, $n)
 *     on conflict (subject) do update set last_sequence = outbox_subjects.last_sequence + $n
 *     returning last_sequence),
 *   outbox_written as (
 *     insert into outbox (id, source, type, subject, sequence, data)
 *     select e.id, $source, e.type, $subject, outbox_counter.last_sequence - $n + e.ord, e.data
 *     from outbox_counter, (values ($id1, $type1, $data1, 1), …) e(id, type, data, ord)
 *     returning position),
 *   outbox_queued as (insert into outbox_pending (position) select position from outbox_written)
 *   select 1
 */
export async function enqueue(
  trx: Trx,
  source: string,
  subject: string,
  events: PendingEvent[],
): Promise<void> {
  if (events.length === 0) return;
  await sql`with ${outboxWrites(source, subject, events)} select 1`.execute(trx);
}

/**
 * enqueue()'s writes as common table expressions (outbox_counter, outbox_written, outbox_queued), for
 * a statement that writes its own state beside them: placing an order is one statement (orders module).
 * `data` may be an SQL expression over the caller's CTEs, for values drawn in the same statement.
 */
export function outboxWrites(
  source: string,
  subject: string,
  events: ReadonlyArray<EventWrite>,
): RawBuilder<unknown> {
  const n = events.length;
  const rows = events.map(
    (e, i) =>
      sql`(${newId()}::uuid, ${`/ordersync/${e.source ?? source}`}, ${EVENT_TYPE_PREFIX + e.type}, ${isSql(e.data) ? e.data : sql`${JSON.stringify(e.data)}::jsonb`}, ${i + 1}::int)`,
  );
  return sql`
    outbox_counter as (
      insert into outbox_subjects (subject, last_sequence) values (${subject}, ${n})
      on conflict (subject) do update set last_sequence = outbox_subjects.last_sequence + ${n}
      returning last_sequence
    ),
    outbox_written as (
      insert into outbox (id, source, type, subject, sequence, data)
      select e.id, e.source, e.type, ${subject}, outbox_counter.last_sequence - ${n} + e.ord, e.data
      from outbox_counter, (values ${sql.join(rows)}) as e(id, source, type, data, ord)
      returning position
    ),
    outbox_queued as (
      insert into outbox_pending (position) select position from outbox_written
    )`;
}

const isSql = (value: unknown): value is RawBuilder<unknown> =>
  typeof value === 'object' && value !== null && isOperationNodeSource(value);
