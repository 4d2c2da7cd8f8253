import { sql } from 'kysely';
import type { Db } from '../../../platform/db/database.js';
import { inTransaction } from '../../../platform/db/transaction.js';
import { newId } from '../../../platform/ids.js';
import type { EventConsumer } from '../../../platform/module.js';
import { FANOUT_LOCK } from '../relay/fan-out.js';
import { wakeRelays } from '../relay/wakeup.js';
import {
  backfillDeliveries,
  findConsumerSubscription,
  insertSubscription,
  updateSubscription,
} from '../subscriptions.repository.js';
import { ConsumerTransport } from './consumer-transport.js';

/**
 * Makes sure each consumer has its subscription (transport `consumer`, named after it) and returns the
 * transport that runs them. A consumer seen for the first time starts now, or with `from: 'beginning'`
 * gets every past event of its types (backfill). Changed event types apply to events fanned out from
 * then on. Under the fan-out lock, like creating any subscription, so no event falls in between; and
 * processes starting together find each other's row (the lock serializes them, the name is unique).
 */
export async function registerConsumers(
  db: Db,
  consumers: readonly EventConsumer[],
): Promise<ConsumerTransport> {
  const names = new Set<string>();
  const bySubscription = new Map<string, EventConsumer>();
  for (const consumer of consumers) {
    if (names.has(consumer.name)) throw new Error(`Two event consumers are named ${consumer.name}`);
    names.add(consumer.name);
    const eventTypes = [...new Set(consumer.eventTypes)].sort();
    const id = await inTransaction(db, async (trx) => {
      await sql`select pg_advisory_xact_lock(${FANOUT_LOCK})`.execute(trx);
      const known = await findConsumerSubscription(trx, consumer.name);
      if (known) {
        if ([...known.event_types].sort().join() !== eventTypes.join())
          await updateSubscription(trx, known.id, { event_types: eventTypes });
        return known.id;
      }
      const row = await insertSubscription(trx, {
        id: newId(),
        name: consumer.name,
        transport: 'consumer',
        url: null,
        secret: null,
        event_types: eventTypes,
      });
      if (
        consumer.from === 'beginning' &&
        (await backfillDeliveries(trx, { id: row.id, eventTypes }, { position: 0 })) > 0
      )
        await wakeRelays(trx);
      return row.id;
    });
    bySubscription.set(id, consumer);
  }
  return new ConsumerTransport(db, bySubscription);
}
