import type { FastifyInstance } from 'fastify';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

/** One registry per process; every app in the process (tests build many) shares it. */
export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export const httpDuration = new Histogram({
  name: 'ordersync_http_request_duration_seconds',
  help: 'HTTP request latency by method, route and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

export const ordersPlaced = new Counter({
  name: 'ordersync_orders_placed_total',
  help: 'Orders placed, by channel',
  labelNames: ['channel'] as const,
  registers: [registry],
});

export const campaignOrdersMerged = new Counter({
  name: 'ordersync_campaign_orders_merged_total',
  help: 'Flash-sale orders placed in a merged batch (several orders of one campaign in one transaction)',
  registers: [registry],
});

export const stockConflicts = new Counter({
  name: 'ordersync_stock_conflicts_total',
  help: 'Orders refused because a line could not be reserved',
  registers: [registry],
});

export const syncDeliveryLatency = new Histogram({
  name: 'ordersync_sync_delivery_latency_seconds',
  help: 'From an event being written to its delivery being confirmed (2xx, publisher confirm, PubAck), by transport',
  labelNames: ['transport'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 3600],
  registers: [registry],
});

export const syncDeliveryAttempts = new Counter({
  name: 'ordersync_sync_delivery_attempts_total',
  help: 'Delivery attempts by transport and outcome (delivered, failed, dead, unavailable)',
  labelNames: ['transport', 'outcome'] as const,
  registers: [registry],
});

/**
 * The sync backlog, read from the database when /metrics is scraped. The sync module sets the reader
 * (it owns the tables); a process without one reports nothing.
 */
export const syncBacklogProbe: {
  read?: () => Promise<{ events: number; deliveries: number; dead: number; oldestAgeSeconds: number }>;
} = {};

export const syncOutboxBacklog = new Gauge({
  name: 'ordersync_sync_outbox_backlog',
  help: 'Undelivered work: events not yet fanned out, deliveries pending, deliveries dead (by state)',
  labelNames: ['state'] as const,
  registers: [registry],
  async collect() {
    const backlog = await syncBacklogProbe.read?.().catch(() => undefined);
    if (!backlog) return;
    this.set({ state: 'events' }, backlog.events);
    this.set({ state: 'pending' }, backlog.deliveries);
    this.set({ state: 'dead' }, backlog.dead);
    syncOldestUndelivered.set(backlog.oldestAgeSeconds);
  },
});

export const syncOldestUndelivered = new Gauge({
  name: 'ordersync_sync_oldest_undelivered_age_seconds',
  help: 'Age of the oldest event not yet delivered to every subscription (0 when none)',
  registers: [registry],
});

export function registerMetrics(app: FastifyInstance): void {
  app.addHook('onResponse', async (request, reply) => {
    httpDuration.observe(
      {
        method: request.method,
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
  app.get('/metrics', { config: { public: true }, schema: { hide: true } }, async (_request, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  );
}
