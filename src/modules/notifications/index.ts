import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../platform/config.js';
import type { Db } from '../../platform/db/database.js';
import type { Module } from '../../platform/module.js';
import * as m1205_1300 from './migrations/20261205_1300_notifications.js';
import * as m1206_0700 from './migrations/20261206_0700_preferences_to_customers.js';
import { channelsFrom, NotificationSender } from './notification-sender.js';
import { type NotificationDeps, notificationRoutes } from './notifications.routes.js';
import { notificationsConsumer } from './order-event-consumer.js';
import { remindUnpaidOrders } from './payment-reminders.js';
import { unsubscribeRoutes } from './unsubscribe.routes.js';

export { channelsFrom, NotificationSender } from './notification-sender.js';
export { notificationsConsumer } from './order-event-consumer.js';

type Deps = NotificationDeps & { config: Pick<Config, 'notifications' | 'sync'>; log: FastifyBaseLogger };

/** A sender for this process, with the channels its settings turn on. */
export const notificationSender = (deps: {
  db: Db;
  config: Pick<Config, 'notifications' | 'sync'>;
  log: FastifyBaseLogger;
}) =>
  new NotificationSender(
    deps.db,
    channelsFrom(deps.config.notifications, deps.config.sync.webhookAllowedHosts),
    deps.config.notifications,
    deps.log,
  );

/**
 * Notifications to buyers (e-mail, SMS) and the helpdesk on order events: made by an in-process
 * consumer exactly once per (event, customer, channel), sent by the sender loop of `ordersync worker`
 * and of `serve` when it runs the relay in process (their scheduler sends too, as a fallback), never
 * inside an order's transaction.
 */
export const notificationsModule = {
  name: 'notifications',
  migrations: {
    '20261205_1300_notifications': m1205_1300,
    '20261206_0700_preferences_to_customers': m1206_0700,
  },
  routes: [notificationRoutes, unsubscribeRoutes],
  // Switched off (NOTIFICATIONS_ENABLED=false): no consumer, so no subscription on a database that never had one.
  consumes: (deps) => (deps.config.notifications.enabled ? [notificationsConsumer] : []),
  jobs: (deps) => {
    if (!deps.config.notifications.enabled) return [];
    const reminders = {
      name: 'payment reminders',
      run: (now: Date) =>
        remindUnpaidOrders(deps.db, now, deps.config.notifications.paymentReminderLeadSeconds),
    };
    // An API process beside workers (RELAY_IN_PROCESS=false) only publishes: sending is the workers'
    // (their sender loop), so a worker at a lower priority (WORKER_NICE) is not undone by the API's tick.
    if (!deps.config.sync.relayInProcess) return [reminders];
    const sender = notificationSender(deps);
    return [reminders, { name: 'send notifications', run: (now) => sender.runOnce(now) }];
  },
  // Embedded `serve` sends at once too, not only on the scheduler's tick (the p99 of bench:notify).
  workerInServe: true,
  worker: (deps) => {
    if (!deps.config.notifications.enabled) return undefined;
    const sender = notificationSender(deps);
    sender.start();
    return sender;
  },
} satisfies Module<Deps>;
