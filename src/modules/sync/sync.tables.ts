import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt, Json, NullableTime } from '../../platform/db/columns.js';

export interface OutboxSubjectsTable {
  subject: string;
  last_sequence: number;
}

export interface OutboxTable {
  position: Generated<number>;
  id: string;
  txid: ColumnType<string, never, never>;
  source: string;
  type: string;
  subject: string;
  sequence: number;
  time: CreatedAt;
  data: Json<unknown>;
}

/** Events not yet fanned out to subscriptions (see the sync relay migration). */
export interface OutboxPendingTable {
  position: number;
}

/** The feed's order: feed positions are drawn after commit, one sequencer at a time (event-feed.ts). */
export interface EventFeedTable {
  feed_position: Generated<number>;
  event_position: number;
}

/** Ways out to other systems: what `POST /v1/subscriptions` takes. */
export const EXTERNAL_TRANSPORTS = ['webhook', 'amqp', 'nats'] as const;
/** And in-process event consumers, whose subscriptions the modules' `consumes` register at start. */
export const TRANSPORTS = [...EXTERNAL_TRANSPORTS, 'consumer'] as const;
export type TransportKind = (typeof TRANSPORTS)[number];
export const SUBSCRIPTION_STATUSES = ['active', 'paused', 'disabled'] as const;
export type SubscriptionStatus = (typeof SUBSCRIPTION_STATUSES)[number];
export const DELIVERY_STATUSES = ['pending', 'delivered', 'dead'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface SubscriptionsTable {
  id: string;
  name: string;
  transport: TransportKind;
  url: string | null;
  secret: string | null;
  previous_secret: string | null;
  previous_secret_expires_at: NullableTime;
  event_types: string[];
  status: ColumnType<SubscriptionStatus, SubscriptionStatus | undefined, SubscriptionStatus>;
  disabled_reason: string | null;
  failing_since: NullableTime;
  created_at: CreatedAt;
  updated_at: CreatedAt;
}

export interface DeliveriesTable {
  id: string;
  subscription_id: string;
  event_id: string;
  event_position: number;
  event_type: string;
  subject: string;
  sequence: number;
  status: ColumnType<DeliveryStatus, DeliveryStatus | undefined, DeliveryStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: CreatedAt;
  locked_by: string | null;
  locked_until: NullableTime;
  last_error: string | null;
  last_response_status: number | null;
  created_at: CreatedAt;
  delivered_at: NullableTime;
}

export const INBOX_STATUSES = ['received', 'applied', 'rejected'] as const;
export type InboxStatus = (typeof INBOX_STATUSES)[number];

export interface InboxTable {
  source: string;
  message_id: string;
  type: string;
  payload: Json<unknown>;
  status: ColumnType<InboxStatus, InboxStatus | undefined, InboxStatus>;
  error: string | null;
  received_at: CreatedAt;
}

export interface SyncTables {
  outbox_subjects: OutboxSubjectsTable;
  outbox: OutboxTable;
  outbox_pending: OutboxPendingTable;
  event_feed: EventFeedTable;
  subscriptions: SubscriptionsTable;
  deliveries: DeliveriesTable;
  inbox: InboxTable;
}
