import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Role } from '../../platform/auth/roles.js';
import type { Config } from '../../platform/config.js';
import type { Db } from '../../platform/db/database.js';
import {
  CreateSubscriptionBody,
  ReplayBody,
  ReplayResult,
  RotateSecretBody,
  Subscription,
  SubscriptionListQuery,
  SubscriptionPage,
  SubscriptionParams,
  SubscriptionWithSecret,
} from './subscriptions.schemas.js';
import {
  createSubscription,
  getSubscription,
  listSubscriptionPage,
  removeSubscription,
  replaySubscription,
  rotateSecret,
  setSubscriptionStatus,
} from './subscriptions.service.js';

// Reading is for support too; changing where events go is for admins only.
const READ: readonly Role[] = ['support'];
const tags = ['sync'];

export const subscriptionRoutes: FastifyPluginAsyncTypebox<{
  deps: { db: Db; config: Pick<Config, 'sync'> };
}> = async (app, { deps }) => {
  const { db } = deps;

  app.post(
    '/subscriptions',
    {
      config: { idempotency: { secretFields: ['secret'] } },
      schema: {
        tags,
        summary: 'Subscribe a downstream system (webhook, RabbitMQ or NATS) to events',
        body: CreateSubscriptionBody,
        response: { 201: SubscriptionWithSecret },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createSubscription(db, deps.config.sync, request.body)),
  );

  app.get(
    '/subscriptions',
    {
      config: { roles: READ },
      schema: {
        tags,
        summary: 'List subscriptions',
        querystring: SubscriptionListQuery,
        response: { 200: SubscriptionPage },
      },
    },
    async (request) => listSubscriptionPage(db, request.query),
  );

  app.get(
    '/subscriptions/:id',
    {
      config: { roles: READ },
      schema: {
        tags,
        summary: 'A subscription',
        params: SubscriptionParams,
        response: { 200: Subscription },
      },
    },
    async (request) => getSubscription(db, request.params.id),
  );

  app.delete(
    '/subscriptions/:id',
    {
      schema: {
        tags,
        summary: 'Delete a subscription and its deliveries',
        params: SubscriptionParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await removeSubscription(db, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.post(
    '/subscriptions/:id/pause',
    {
      schema: {
        tags,
        summary: 'Pause: deliveries wait (nothing is lost) until resumed',
        params: SubscriptionParams,
        response: { 200: Subscription },
      },
    },
    async (request) => setSubscriptionStatus(db, request.params.id, 'paused'),
  );

  app.post(
    '/subscriptions/:id/resume',
    {
      schema: {
        tags,
        summary: 'Resume a paused or disabled subscription',
        params: SubscriptionParams,
        response: { 200: Subscription },
      },
    },
    async (request) => setSubscriptionStatus(db, request.params.id, 'active'),
  );

  app.post(
    '/subscriptions/:id/rotate-secret',
    {
      config: { idempotency: { secretFields: ['secret'] } },
      schema: {
        tags,
        summary: 'New webhook signing secret; the old one signs too for a while',
        params: SubscriptionParams,
        body: RotateSecretBody,
        response: { 200: SubscriptionWithSecret },
      },
    },
    async (request) => rotateSecret(db, request.params.id, request.body),
  );

  app.post(
    '/subscriptions/:id/replay',
    {
      schema: {
        tags,
        summary: 'Send the events from a time or an event on again',
        params: SubscriptionParams,
        body: ReplayBody,
        response: { 200: ReplayResult },
      },
    },
    async (request) => replaySubscription(db, request.params.id, request.body.from),
  );
};
