export { EventCatalogue, type EventData, type EventType, OrderSnapshot } from './event-catalogue.js';
export { applyCommand, type CommandResult } from './inbound/apply-command.js';
export {
  type CommandContext,
  type CommandHandler,
  type CommandHandlers,
  commandHandler,
  inboundCommandHandlers,
} from './inbound/command-handlers.js';
export { type InboundMessage, recordInbound, settleInbound } from './inbound/inbox.js';
export { enqueue, outboxWrites, type PendingEvent } from './outbox.js';
export { Relay } from './relay/relay.js';
export { syncRoutes } from './sync.routes.js';
export { type SyncWorkers, startSyncWorkers } from './sync-runtime.js';
export { ackAfter, safely } from './transports/amqp-link.js';
export { Brokers } from './transports/brokers.js';
