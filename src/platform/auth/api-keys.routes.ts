import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Db } from '../db/database.js';
import { invalid, notFound } from '../errors.js';
import { UUID_PATTERN } from '../ids.js';
import type { ApiKeyResolver } from './api-keys.js';
import { createApiKey, listApiKeys, revokeApiKey } from './api-keys.js';
import { ChannelCode, RoleSchema } from './roles.js';

const ApiKey = Type.Object({
  id: Type.String(),
  name: Type.String(),
  role: Type.String(),
  keyPrefix: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  channel: Type.Union([Type.String(), Type.Null()], { description: 'The sales channel of a channel key' }),
});

/** What these routes use. */
export interface ApiKeyDeps {
  db: Db;
  apiKeys: Pick<ApiKeyResolver, 'forget'>;
}

export const apiKeyRoutes: FastifyPluginAsyncTypebox<{ deps: ApiKeyDeps }> = async (app, { deps }) => {
  app.post(
    '/api-keys',
    {
      // The plaintext key is shown once and never kept, not even for an Idempotency-Key's repeat.
      config: { idempotency: { secretFields: ['key'] } },
      schema: {
        tags: ['platform'],
        summary: 'Create an API key (the key is shown once)',
        body: Type.Object(
          {
            name: Type.String({ minLength: 1, maxLength: 100 }),
            role: RoleSchema,
            channel: Type.Optional({
              ...ChannelCode,
              description:
                'Required for a channel key: the one sales channel whose orders it places and reads',
            }),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({
            id: Type.String(),
            name: Type.String(),
            role: Type.String(),
            channel: Type.Union([Type.String(), Type.Null()]),
            key: Type.String(),
          }),
        },
      },
    },
    async (request, reply) => {
      const { role, channel } = request.body;
      if ((role === 'channel') !== (channel !== undefined))
        throw invalid([
          {
            field: 'body.channel',
            message: role === 'channel' ? 'is required for a channel key' : 'is only for a channel key',
          },
        ]);
      const created = await createApiKey(deps.db, request.body);
      return reply.status(201).send({
        id: created.id,
        name: created.name,
        role: created.role,
        channel: created.channel,
        key: created.key,
      });
    },
  );

  app.get(
    '/api-keys',
    { schema: { tags: ['platform'], response: { 200: Type.Object({ data: Type.Array(ApiKey) }) } } },
    async () => ({
      data: (await listApiKeys(deps.db)).map((k) => ({
        id: k.id,
        name: k.name,
        role: k.role,
        keyPrefix: k.key_prefix,
        createdAt: k.created_at.toISOString(),
        revokedAt: k.revoked_at?.toISOString() ?? null,
        channel: k.channel,
      })),
    }),
  );

  app.delete(
    '/api-keys/:id',
    {
      schema: {
        tags: ['platform'],
        params: Type.Object({ id: Type.String({ pattern: UUID_PATTERN }) }),
      },
    },
    async (request, reply) => {
      if (!(await revokeApiKey(deps.db, request.params.id))) throw notFound('API key', request.params.id);
      deps.apiKeys.forget();
      return reply.status(204).send();
    },
  );
};
