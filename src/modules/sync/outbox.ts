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
 *     insert into outbox_subjects (subject, last_sequence)
 *     select subject, n from json_to_recordset($subjects) s(subject text, n int) order by subject collate "C"
 *     on conflict (subject) do update set last_sequence = outbox_subjects.last_sequence + excluded.last_sequence
 *     returning subject, last_sequence),
 *   outbox_written as (
 *     insert into outbox (id, source, type, subject, sequence, data)
 *     select e.id, e.source, e.type, e.subject, c.last_sequence - e.n + e.ord, e.data
 *     from json_to_recordset($events) e(id uuid, source text, type text, subject text, data jsonb, ord int, n int)
 *     join outbox_counter c on c.subject = e.subject
 *     order by e.subject, e.ord
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
  await enqueueEach(
    trx,
    source,
    events.map((e) => ({ ...e, subject })),
  );
}

/**
 * enqueue() for events of many subjects (a batch's new customers), still one statement: each subject
 * gets its numbers as enqueue() gives them, under its own row lock until commit.
 */
export async function enqueueEach(
  trx: Trx,
  source: string,
  events: ReadonlyArray<PendingEvent & { subject: string }>,
): Promise<void> {
  if (events.length === 0) return;
  await sql`with ${outboxWritesEach(source, events)} select 1`.execute(trx);
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
  return outboxWritesEach(
    source,
    events.map((e) => ({ ...e, subject })),
  );
}

/**
 * outboxWrites() for events of many subjects, each subject's in the order given. The subjects' counters
 * are upserted in one fixed order (sorted), so two such statements sharing subjects take the row locks
 * in the same order and wait for each other rather than deadlock. Every outbox row joins its subject's
 * counter row, so its position is drawn after that subject is locked: per subject, positions still
 * follow sequence and commit order, as the relay's fan-out relies on (fan-out.ts).
 */
export function outboxWritesEach(
  source: string,
  events: ReadonlyArray<EventWrite & { subject: string }>,
): RawBuilder<unknown> {
  const counts = new Map<string, number>();
  const ords = events.map((e) => {
    const ord = (counts.get(e.subject) ?? 0) + 1;
    counts.set(e.subject, ord);
    return ord;
  });
  const subjects = [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const rows = events.map((e, i) => ({
    id: newId(),
    source: `/ordersync/${e.source ?? source}`,
    type: EVENT_TYPE_PREFIX + e.type,
    subject: e.subject,
    data: e.data,
    ord: ords[i]!,
    n: counts.get(e.subject)!,
  }));
  // Plain payloads go as one JSON parameter, so a batch's statement reads the same for any number of
  // events (row-sets.ts); a payload drawn in the statement needs a row of SQL.
  const written = rows.every((r) => !isSql(r.data))
    ? sql`json_to_recordset(${JSON.stringify(rows)}::json)
        as e(id uuid, source text, type text, subject text, data jsonb, ord int, n int)`
    : sql`(values ${sql.join(
        rows.map(
          (r) =>
            sql`(${r.id}::uuid, ${r.source}, ${r.type}, ${r.subject}::text, ${isSql(r.data) ? r.data : sql`${JSON.stringify(r.data)}::jsonb`}, ${r.ord}::int, ${r.n}::int)`,
        ),
      )}) as e(id, source, type, subject, data, ord, n)`;
  return sql`
    outbox_counter as (
      insert into outbox_subjects (subject, last_sequence)
      select subject, n from json_to_recordset(${JSON.stringify(subjects.map(([subject, n]) => ({ subject, n })))}::json)
        as s(subject text, n int)
      order by subject collate "C"
      on conflict (subject) do update set last_sequence = outbox_subjects.last_sequence + excluded.last_sequence
      returning subject, last_sequence
    ),
    outbox_written as (
      insert into outbox (id, source, type, subject, sequence, data)
      select e.id, e.source, e.type, e.subject, c.last_sequence - e.n + e.ord, e.data
      from ${written}
      join outbox_counter c on c.subject = e.subject
      order by e.subject, e.ord
      returning position
    ),
    outbox_queued as (
      insert into outbox_pending (position) select position from outbox_written
    )`;
}

const isSql = (value: unknown): value is RawBuilder<unknown> =>
  typeof value === 'object' && value !== null && isOperationNodeSource(value);
