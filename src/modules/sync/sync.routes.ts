import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../app.js';
import { EventFeed, EventFeedQuery } from './events.schemas.js';
import { readEventFeed } from './events.service.js';

export const syncRoutes: FastifyPluginAsyncTypebox<{ deps: AppDeps }> = async (app, { deps }) => {
  app.get(
    '/events',
    {
      config: { roles: ['support', 'finance', 'warehouse', 'channel'] },
      schema: {
        tags: ['sync'],
        summary: 'The event feed (CloudEvents), in commit-safe order',
        querystring: EventFeedQuery,
        response: { 200: EventFeed },
      },
    },
    async (request) => readEventFeed(deps.db, request.query),
  );
};
