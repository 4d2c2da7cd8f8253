import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Redis } from 'ioredis';
import { Type } from 'typebox';
import { channelFor } from '../../platform/auth/channel-scope.js';
import type { Config } from '../../platform/config.js';
import type { DatabaseKind } from '../../platform/db/connect.js';
import type { Db } from '../../platform/db/database.js';
import { Page, PageQuery } from '../../platform/http/pagination.js';
import { StringEnum } from '../../platform/schemas.js';
import type { SkuDirectory } from '../catalog/index.js';
import type { OrderHooks } from '../orders/index.js';
import type { Brokers } from '../sync/index.js';
import {
  BuyBody,
  BuyQuery,
  Campaign,
  CampaignParams,
  CreateCampaignBody,
  PlacedOrder,
  QueuedTicket,
  Ticket,
  TicketParams,
} from './campaigns.schemas.js';
import { FlashGate } from './flash-gate.js';
import { FlashSales } from './flash-sales.js';
import { openIntake } from './open-intake.js';

/** What these routes use. */
export interface CampaignDeps {
  db: Db;
  dbKind: DatabaseKind;
  config: Config;
  redis: Redis | undefined;
  brokers: Brokers;
  skus: Pick<SkuDirectory, 'resolve'>;
  orderHooks: Pick<OrderHooks, 'onPlacing'>;
}

export const campaignRoutes: FastifyPluginAsyncTypebox<{ deps: CampaignDeps }> = async (app, { deps }) => {
  // An API process consumes an amqp intake only when it runs the workers in process (RELAY_IN_PROCESS).
  const sales = new FlashSales(
    deps.db,
    deps.config,
    deps.redis ? new FlashGate(deps.redis) : undefined,
    (settle) =>
      openIntake(
        { config: deps.config, brokers: deps.brokers, log: app.log },
        settle,
        deps.config.sync.relayInProcess,
      ),
    {
      skus: deps.skus.resolve,
      onPlacing: deps.orderHooks.onPlacing,
      mergeOrders: deps.dbKind === 'postgres',
    },
  );
  app.addHook('onClose', () => sales.intake.close());
  // A memory intake's queue lived in a process that is gone: its tickets come back here at start.
  if (sales.intake.kind === 'memory') {
    app.addHook('onReady', async () => {
      const handed = await sales.requeueOrphans();
      if (handed > 0)
        app.log.warn({ tickets: handed }, 'queued campaign orders taken over from a stopped process');
    });
  }
  const tags = ['campaigns'];
  const buyers = ['storefront', 'channel', 'support'] as const;

  app.post(
    '/campaigns',
    {
      schema: {
        tags,
        summary: 'Create a flash-sale campaign',
        body: CreateCampaignBody,
        response: { 201: Campaign },
      },
    },
    async (request, reply) => reply.status(201).send(await sales.create(request.body)),
  );

  app.get(
    '/campaigns',
    {
      config: { roles: ['support'] },
      schema: {
        tags,
        summary: 'Flash-sale campaigns, newest first, with what is left',
        querystring: Type.Object(PageQuery, { additionalProperties: false }),
        response: { 200: Page(Campaign) },
      },
    },
    async (request) => sales.list(request.query),
  );

  app.get(
    '/campaigns/:id',
    {
      config: { roles: buyers },
      schema: {
        tags,
        summary: 'A campaign with what is left',
        params: CampaignParams,
        response: { 200: Campaign },
      },
    },
    async (request) => sales.get(request.params.id),
  );

  app.post(
    '/campaigns/:id/orders',
    {
      config: { roles: buyers },
      schema: {
        tags,
        summary: 'Buy in a flash sale: the order (201), a ticket (202, ?queued=true), or a fast 409/429',
        params: CampaignParams,
        querystring: BuyQuery,
        body: BuyBody,
        response: { 201: PlacedOrder, 202: QueuedTicket },
      },
    },
    async (request, reply) => {
      const input = { ...request.body, channel: channelFor(request.principal, request.body.channel) };
      if (request.query.queued) {
        const ticket = await sales.enqueue(request.params.id, input);
        return reply.status(202).header('location', `/v1/tickets/${ticket.id}`).send(ticket);
      }
      const order = await sales.buy(request.params.id, input, request.principal?.name ?? 'buyer');
      return reply.status(201).send(order);
    },
  );

  app.get(
    '/tickets/:id',
    {
      config: { roles: buyers },
      schema: {
        tags,
        summary: 'A queued campaign order: queued, placed (with the order id) or failed (with the problem)',
        params: TicketParams,
        response: { 200: Ticket },
      },
    },
    async (request) => sales.ticket(request.params.id),
  );

  app.get(
    '/campaigns/intake',
    {
      schema: {
        tags,
        summary: 'Depth of the queued intake (in this process, or waiting in the RabbitMQ queue)',
        response: {
          200: Type.Object({
            kind: StringEnum(['memory', 'amqp'] as const),
            depth: Type.Integer(),
            bound: Type.Integer(),
          }),
        },
      },
    },
    async () => ({
      kind: sales.intake.kind,
      depth: await sales.intake.depth(),
      bound: deps.config.intakeQueueBound,
    }),
  );
};
