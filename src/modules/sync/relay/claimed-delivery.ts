import type { RelayEvent } from '../cloud-event.js';
import type { DeliveryTarget } from '../transports/transport.js';

/** A delivery this relay holds the lease on, with what it needs to send it. */
export interface ClaimedDelivery {
  id: string;
  subscriptionId: string;
  attempts: number;
  target: DeliveryTarget;
  event: RelayEvent;
}

/** Subscription columns the relay reads to address a delivery. */
export interface TargetRow {
  id: string;
  transport: DeliveryTarget['transport'];
  url: string | null;
  secret: string | null;
  previous_secret: string | null;
  previous_secret_expires_at: Date | null;
}

/** The secrets that sign now: the current one, and the previous one until its rotation ends. */
export function toTarget(row: TargetRow, now = new Date()): DeliveryTarget {
  const secrets = [
    row.secret,
    row.previous_secret_expires_at && row.previous_secret_expires_at > now ? row.previous_secret : null,
  ].filter((s): s is string => Boolean(s));
  return { subscriptionId: row.id, transport: row.transport, url: row.url, secrets };
}
