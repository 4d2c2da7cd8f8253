export { EventCatalogue, type EventData, type EventType, OrderSnapshot } from './event-catalogue.js';
export { enqueue, type PendingEvent } from './outbox.js';
export { syncRoutes } from './sync.routes.js';
