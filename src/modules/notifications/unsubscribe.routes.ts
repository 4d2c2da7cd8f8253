import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { NotificationDeps } from './notifications.routes.js';
import { TokenQuery, UnsubscribedView } from './notifications.schemas.js';
import { readUnsubscribeToken, unsubscribe } from './unsubscribe.js';

/**
 * The unsubscribe link, without logging in: the signed token is the authority. GET only answers what
 * it would switch off (mail scanners open links); the one-click POST of RFC 8058 (mail clients send
 * the form body `List-Unsubscribe=One-Click`) switches it off.
 */
export const unsubscribeRoutes: FastifyPluginAsyncTypebox<{ deps: NotificationDeps }> = async (
  app,
  { deps },
) => {
  // This plugin only: one-click POSTs come as a form, whose fields are not needed.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_r, body, done) =>
    done(null, body),
  );
  const tags = ['notifications'];

  app.get(
    '/unsubscribe',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'What an unsubscribe link switches off (changes nothing)',
        querystring: TokenQuery,
        response: { 200: UnsubscribedView },
      },
    },
    async (request) => {
      const { category, channels } = await readUnsubscribeToken(
        deps.db,
        deps.config.notifications,
        request.query.token,
      );
      return { category, channels, unsubscribed: false };
    },
  );

  app.post(
    '/unsubscribe',
    {
      config: { public: true },
      schema: {
        tags,
        summary: 'One-click unsubscribe (RFC 8058), by the signed token of the link',
        querystring: TokenQuery,
        consumes: ['application/x-www-form-urlencoded', 'application/json'],
        body: Type.Optional(Type.Unknown({ description: 'List-Unsubscribe=One-Click (ignored)' })),
        response: { 200: UnsubscribedView },
      },
    },
    async (request) => {
      const { category, channels } = await unsubscribe(
        deps.db,
        deps.config.notifications,
        request.query.token,
      );
      return { category, channels, unsubscribed: true };
    },
  );
};
