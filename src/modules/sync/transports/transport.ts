import type { Trx } from '../../../platform/db/database.js';
import type { RelayEvent } from '../cloud-event.js';
import type { TransportKind } from '../sync.tables.js';

/** Where a subscription's events go: what a transport needs to know of it. */
export interface DeliveryTarget {
  subscriptionId: string;
  transport: TransportKind;
  url: string | null;
  /** Signing secrets, current first; two while a rotation is in progress. */
  secrets: string[];
}

/**
 * One way out of OrderSync. `send` resolves only once the other side has taken the event (a 2xx, a
 * publisher confirm, a JetStream ack); anything else throws a DeliveryFailure.
 */
export interface Transport {
  readonly kind: TransportKind;
  /** False while a broker connection is down: the relay then leaves this transport's work alone. */
  ready(): boolean;
  /**
   * Only for a transport that serves some subscriptions of its kind, not all: in-process consumers,
   * which serve those this process runs. The relay then claims only those subscriptions' deliveries.
   */
  serves?(): readonly string[];
  send(target: DeliveryTarget, event: RelayEvent): Promise<void>;
  /**
   * Optional: several events of one subscription, at most one per order, taken all or none (one
   * database transaction for in-process consumers). A throw means none was taken.
   */
  sendBatch?(target: DeliveryTarget, events: RelayEvent[]): Promise<void>;
  /** Optional: subscriptions whose events can be taken inside fan-out's transaction (fan-out.ts). */
  readonly inline?: InlineSender;
}

/**
 * In-process consumers whose work is all in the database: `send` inside the caller's transaction, so
 * what they write commits (or rolls back) with the event leaving the outbox's to-do list.
 */
export interface InlineSender {
  /** Whether this subscription's events are taken inline now. */
  takes(subscriptionId: string): boolean;
  /**
   * Events by subscription, each list in sequence order per subject (several of one subject allowed).
   * A throw (naming the consumer) leaves the transaction to be rolled back.
   */
  sendWithin(trx: Trx, events: ReadonlyMap<string, readonly RelayEvent[]>): Promise<void>;
}

/**
 * Why a send failed. `rejected`: the receiver said no or did not answer (counts as an attempt and backs
 * off). `unavailable`: our own link to a broker is down (not the event's fault; the delivery is released
 * untouched and picked up again once the link is back).
 */
export class DeliveryFailure extends Error {
  constructor(
    message: string,
    readonly kind: 'rejected' | 'unavailable',
    readonly status?: number,
  ) {
    super(message);
    this.name = 'DeliveryFailure';
  }
}

export type TransportSet = Partial<Record<TransportKind, Transport>>;

/** What a relay can send now: every subscription of these transports, and these subscriptions. */
export interface ReadyTargets {
  transports: TransportKind[];
  subscriptions: string[];
}

export function readyTargets(set: TransportSet): ReadyTargets {
  const ready = Object.values(set).filter((t) => t.ready());
  return {
    transports: ready.filter((t) => !t.serves).map((t) => t.kind),
    subscriptions: ready.flatMap((t) => t.serves?.() ?? []),
  };
}
