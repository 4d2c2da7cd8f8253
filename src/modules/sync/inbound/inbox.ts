import { sql } from 'kysely';
import type { Trx } from '../../../platform/db/database.js';
import type { InboxStatus } from '../sync.tables.js';

export interface InboundMessage {
  /** Who sent it: a provider, a carrier, a WMS (`/wms/shanghai`); message ids are unique per source. */
  source: string;
  messageId: string;
  type: string;
  payload: unknown;
}

/**
 * Records an inbound message or callback, in the caller's transaction, and says whether it is new. The
 * caller applies it only when it is, in the same transaction: a repeat (a redelivery after a crash, a
 * provider calling back twice) then finds the row and does nothing, so each message is applied once.
 *
 *   insert into inbox (source, message_id, type, payload) values (…)
 *   on conflict (source, message_id) do nothing returning message_id
 */
export async function recordInbound(trx: Trx, message: InboundMessage): Promise<boolean> {
  const row = await trx
    .insertInto('inbox')
    .values({
      source: message.source,
      message_id: message.messageId,
      type: message.type,
      payload: JSON.stringify(message.payload ?? null),
    })
    .onConflict((oc) => oc.columns(['source', 'message_id']).doNothing())
    .returning('message_id')
    .executeTakeFirst();
  return row !== undefined;
}

/** What came of a recorded message: applied, or rejected with the reason. */
export async function settleInbound(
  trx: Trx,
  key: { source: string; messageId: string },
  status: Exclude<InboxStatus, 'received'>,
  error: string | null = null,
): Promise<void> {
  await trx
    .updateTable('inbox')
    .set({ status, error })
    .where('source', '=', key.source)
    .where('message_id', '=', key.messageId)
    .execute();
}

/** How recordConsumed names an event it took for a consumer. */
export const consumedKey = (consumer: string, eventId: string) => `${consumer} ${eventId}`;

/**
 * Events in-process consumers are about to apply, recorded in their transaction in one insert (a
 * round's events for all its inline consumers); the consumedKey of those not applied already. A
 * concurrent call for one of them waits here until the first commits.
 *
 *   insert into inbox (source, message_id, type, payload, status)
 *   select 'consumer:' || e.consumer, e.id, e.type, 'null', 'applied'
 *   from unnest($consumers, $ids, $types) as e(consumer, id, type)
 *   on conflict (source, message_id) do nothing returning source, message_id
 */
export async function recordConsumed(
  trx: Trx,
  events: ReadonlyArray<{ consumer: string; id: string; type: string }>,
): Promise<Set<string>> {
  if (events.length === 0) return new Set();
  const { rows } = await sql<{ source: string; message_id: string }>`
    insert into inbox (source, message_id, type, payload, status)
    select 'consumer:' || e.consumer, e.id, e.type, 'null', 'applied'
    from unnest(${events.map((e) => e.consumer)}::text[], ${events.map((e) => e.id)}::text[],
                ${events.map((e) => e.type)}::text[]) as e(consumer, id, type)
    on conflict (source, message_id) do nothing
    returning source, message_id`.execute(trx);
  return new Set(rows.map((r) => consumedKey(r.source.slice('consumer:'.length), r.message_id)));
}
