import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Config } from '../../platform/config.js';
import type { Db } from '../../platform/db/database.js';
import { syncBacklogProbe } from '../../platform/metrics.js';
import { readBacklog } from './deliveries.repository.js';
import { deliveryRoutes } from './deliveries.routes.js';
import { EventFeed, EventFeedQuery } from './events.schemas.js';
import { readEventFeed } from './events.service.js';
import { subscriptionRoutes } from './subscriptions.routes.js';

/** What these routes use. */
export interface SyncDeps {
  db: Db;
  config: Pick<Config, 'sync'>;
}

export const syncRoutes: FastifyPluginAsyncTypebox<{ deps: SyncDeps }> = async (app, { deps }) => {
  // /metrics reads the backlog of the database this app serves (the last one built, in tests).
  syncBacklogProbe.read = () => readBacklog(deps.db);

  app.get(
    '/events',
    {
      config: { roles: ['support', 'finance', 'warehouse', 'channel'] },
      schema: {
        tags: ['sync'],
        summary:
          'The event feed (CloudEvents) in commit order: a reader paging with `after` never misses one',
        querystring: EventFeedQuery,
        response: { 200: EventFeed },
      },
    },
    async (request) => readEventFeed(deps.db, request.query),
  );

  await app.register(subscriptionRoutes, { deps });
  await app.register(deliveryRoutes, { deps });
};
