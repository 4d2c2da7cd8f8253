import type { Module } from '../../platform/module.js';
import * as m1122_0500 from './migrations/20261122_0500_sync.js';
import * as m1123_0500 from './migrations/20261123_0500_sync_relay.js';
import * as m1124_0100 from './migrations/20261124_0100_event_feed.js';
import * as m1204_2330 from './migrations/20261204_2330_consumer_subscriptions.js';
import * as m1205_1900 from './migrations/20261205_1900_enqueue_in_sql.js';
import { type SyncDeps, syncRoutes } from './sync.routes.js';

export type { ConsumerTransport } from './consumers/consumer-transport.js';
export { registerConsumers } from './consumers/register-consumers.js';
export {
  EventCatalogue,
  type EventData,
  type EventType,
  isEventData,
  OrderSnapshot,
} from './event-catalogue.js';
export { applyCommand, type CommandResult } from './inbound/apply-command.js';
export { type InboundMessage, recordInbound, settleInbound } from './inbound/inbox.js';
export {
  type EventWrite,
  enqueue,
  enqueueEach,
  outboxWrites,
  outboxWritesEach,
  type PendingEvent,
} from './outbox.js';
export { Relay } from './relay/relay.js';
export { type SyncWorkers, startSyncWorkers } from './sync-runtime.js';
export { ackAfter, safely } from './transports/amqp-link.js';
export { Brokers } from './transports/brokers.js';
export { hostOf, TargetRefused, WebhookTargets } from './transports/webhook-targets.js';

export const syncModule = {
  name: 'sync',
  migrations: {
    '20261122_0500_sync': m1122_0500,
    '20261123_0500_sync_relay': m1123_0500,
    '20261124_0100_event_feed': m1124_0100,
    '20261204_2330_consumer_subscriptions': m1204_2330,
    '20261205_1900_enqueue_in_sql': m1205_1900,
  },
  routes: [syncRoutes],
} satisfies Module<SyncDeps>;
