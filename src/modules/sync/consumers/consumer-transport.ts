import type { Db, Trx } from '../../../platform/db/database.js';
import { inTransaction } from '../../../platform/db/transaction.js';
import type { ConsumedEvent, EventConsumer } from '../../../platform/module.js';
import type { RelayEvent } from '../cloud-event.js';
import { EVENT_TYPE_PREFIX } from '../event-catalogue.js';
import { consumedKey, recordConsumed } from '../inbound/inbox.js';
import {
  DeliveryFailure,
  type DeliveryTarget,
  type InlineSender,
  type Transport,
} from '../transports/transport.js';

const INLINE_REST_MS = 5_000;

/**
 * In-process event consumers as a transport: the relay fans events out to their subscriptions, claims
 * and orders them exactly as for a webhook, and "sends" by calling the consumer. Each call (one event,
 * or a batch of them for a consumer with `handleBatch`: deliver-round.ts) is one transaction that
 * first records the event ids in the inbox (source `consumer:<name>`) and then runs the consumer's
 * writes: a repeat (a relay that died before recording the delivery, a lease that ran out mid-call)
 * finds the row, waiting on it if the first call is still running, and does nothing.
 * A throw is a failed attempt, retried with the relay's backoff and a dead letter in the end.
 */
export class ConsumerTransport implements Transport {
  readonly kind = 'consumer' as const;
  /**
   * Consumers with `handleBatch` (all their work in the database) are also taken inside fan-out's
   * transaction, with their inbox rows: no delivery row, no claim, no transaction of their own.
   */
  readonly inline: InlineSender;
  /** A consumer that threw inline rests from it a while: its events go as deliveries meanwhile. */
  readonly #restingUntil = new Map<string, number>();

  constructor(
    private readonly db: Db,
    /** The consumers this process runs, by their subscription id. */
    private readonly consumers: ReadonlyMap<string, EventConsumer>,
  ) {
    this.inline = {
      takes: (subscriptionId) =>
        Boolean(this.consumers.get(subscriptionId)?.handleBatch) &&
        (this.#restingUntil.get(subscriptionId) ?? 0) <= Date.now(),
      sendWithin: (trx, events) => this.#consumeWithin(trx, events),
    };
  }

  ready(): boolean {
    return this.consumers.size > 0;
  }

  serves(): readonly string[] {
    return [...this.consumers.keys()];
  }

  send(target: DeliveryTarget, event: RelayEvent): Promise<void> {
    return this.sendBatch(target, [event]);
  }

  /**
   * Several events (at most one per order): in one transaction for a consumer with `handleBatch`, whose
   * writes are all in the database and roll back together. Without it, each event commits on its own:
   * a consumer that calls out (a shop's API) must not be called again for an event whose call went
   * through because a later event of the batch failed; the relay retries the batch one at a time and
   * the inbox turns the committed ones away.
   */
  async sendBatch(target: DeliveryTarget, events: RelayEvent[]): Promise<void> {
    const consumer = this.consumers.get(target.subscriptionId);
    // Not claimed by this relay (serves() leaves it out); should it happen, another process takes it.
    if (!consumer) throw new DeliveryFailure(`no consumer of ${target.subscriptionId} here`, 'unavailable');
    if (consumer.handleBatch) return this.consume(consumer, events);
    for (const event of events) await this.consume(consumer, [event]);
  }

  private async consume(consumer: EventConsumer, events: RelayEvent[]): Promise<void> {
    try {
      await inTransaction(this.db, (trx) => apply(trx, consumer, events));
    } catch (error) {
      throw new DeliveryFailure(`consumer ${consumer.name} failed: ${(error as Error).message}`, 'rejected');
    }
  }

  /**
   * A round's events for its inline consumers: their inbox rows in one insert, then each consumer's
   * fresh events, in batches of one event per order (the n-th event of every order in the n-th call),
   * or all in one for a consumer that takes subjects whole.
   */
  async #consumeWithin(trx: Trx, bySubscription: ReadonlyMap<string, readonly RelayEvent[]>): Promise<void> {
    const batches = [...bySubscription].map(([subscriptionId, events]) => {
      const consumer = this.consumers.get(subscriptionId);
      if (!consumer?.handleBatch)
        throw new Error(`no consumer of ${subscriptionId} takes events inline here`);
      return { subscriptionId, consumer, events };
    });
    const fresh = await recordConsumed(
      trx,
      batches.flatMap(({ consumer, events }) =>
        events.map((e) => ({ consumer: consumer.name, id: e.id, type: e.type })),
      ),
    );
    for (const { subscriptionId, consumer, events } of batches) {
      const layers: ConsumedEvent[][] = [];
      const seen = new Map<string, number>();
      for (const event of events) {
        if (!fresh.has(consumedKey(consumer.name, event.id))) continue;
        const layer = consumer.wholeSubjects ? 0 : (seen.get(event.subject) ?? 0);
        seen.set(event.subject, layer + 1);
        if (layer === layers.length) layers.push([toConsumedEvent(event)]);
        else layers[layer]!.push(toConsumedEvent(event));
      }
      try {
        for (const layer of layers) await handle(trx, consumer, layer);
      } catch (error) {
        this.#restingUntil.set(subscriptionId, Date.now() + INLINE_REST_MS);
        throw new Error(`consumer ${consumer.name} failed: ${(error as Error).message}`);
      }
    }
  }
}

/** Records the events in the consumer's inbox and applies those not applied before, in `trx`. */
async function apply(trx: Trx, consumer: EventConsumer, events: RelayEvent[]): Promise<void> {
  const fresh = await recordConsumed(
    trx,
    events.map((e) => ({ consumer: consumer.name, id: e.id, type: e.type })),
  );
  await handle(
    trx,
    consumer,
    events.filter((e) => fresh.has(consumedKey(consumer.name, e.id))).map(toConsumedEvent),
  );
}

async function handle(trx: Trx, consumer: EventConsumer, todo: ConsumedEvent[]): Promise<void> {
  if (consumer.handleBatch && todo.length > 1) await consumer.handleBatch(todo, trx);
  else for (const event of todo) await consumer.handle(event, trx);
}

const toConsumedEvent = (e: RelayEvent): ConsumedEvent => ({
  id: e.id,
  source: e.source,
  type: e.type.startsWith(EVENT_TYPE_PREFIX) ? e.type.slice(EVENT_TYPE_PREFIX.length) : e.type,
  subject: e.subject,
  sequence: Number(e.sequence),
  time: e.time,
  data: JSON.parse(e.dataJson),
});
