import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Role } from '../../platform/auth/roles.js';
import type { Config } from '../../platform/config.js';
import type { Db } from '../../platform/db/database.js';
import type { OrderHooks } from '../orders/index.js';
import {
  changeChannel,
  createChannel,
  getChannelRow,
  listChannelPage,
  removeChannel,
  toChannelView,
} from './channel-accounts.js';
import { channelHealth } from './channel-health.js';
import { ChannelSecrets } from './channel-secrets.js';
import {
  Channel,
  ChannelListQuery,
  ChannelOrderListQuery,
  ChannelOrderPage,
  ChannelOrderParams,
  ChannelPage,
  ChannelParams,
  ChannelWithHealth,
  ChannelWithSecret,
  CreateChannelBody,
  DeleteSkuMapBody,
  PutSkuMapBody,
  SkuMapPage,
  SkuMapQuery,
  StockPushStatus,
  StockPushStatusQuery,
  UpdateChannelBody,
} from './channels.schemas.js';
import { listChannelOrderPage, releaseChannelOrder } from './held-orders.js';
import { getSkuMapPage, putSkuMap, removeSkuMap } from './sku-map.js';
import { stockPushStatus } from './stock-push/stock-push-status.js';

export interface ChannelDeps {
  db: Db;
  config: Pick<Config, 'channelSecretsKey' | 'channelReconcileIntervalSeconds' | 'sync'>;
  orderHooks: OrderHooks;
}

// Support reads channels, their mappings and held orders (to answer "where is my order"); changes are admin's.
const READ: readonly Role[] = ['support'];
const tags = ['channels'];
const actorOf = (request: FastifyRequest) => request.principal?.name ?? 'anonymous';

export const channelRoutes: FastifyPluginAsyncTypebox<{ deps: ChannelDeps }> = async (app, { deps }) => {
  const { db } = deps;
  const secrets = new ChannelSecrets(deps.config.channelSecretsKey);

  app.post(
    '/channels',
    {
      config: { idempotency: { secretFields: ['webhookSecret'] } },
      schema: {
        tags,
        summary: 'Connect a sales channel (Shopify, WooCommerce, Amazon or files)',
        description:
          'Credentials and the webhook secret are stored encrypted (AES-256-GCM, CHANNEL_SECRETS_KEY) and never returned; a Shopify or WooCommerce channel without a webhook secret gets one, shown in this answer only.',
        body: CreateChannelBody,
        response: { 201: ChannelWithSecret },
      },
    },
    async (request, reply) => reply.status(201).send(await createChannel(db, secrets, request.body)),
  );

  app.get(
    '/channels',
    {
      config: { roles: READ },
      schema: {
        tags,
        summary: 'List sales channels',
        querystring: ChannelListQuery,
        response: { 200: ChannelPage },
      },
    },
    async (request) => listChannelPage(db, secrets, request.query),
  );

  app.get(
    '/channels/:id',
    {
      config: { roles: READ },
      schema: {
        tags,
        summary: 'A sales channel with its health: last order, last reconciliation, lag, errors, throttling',
        params: ChannelParams,
        response: { 200: ChannelWithHealth },
      },
    },
    async (request) => {
      const row = await getChannelRow(db, request.params.id);
      return {
        ...toChannelView(row, secrets),
        health: await channelHealth(db, row.id, new Date(), row.kind),
      };
    },
  );

  app.patch(
    '/channels/:id',
    {
      schema: {
        tags,
        summary: 'Change a sales channel (credentials given replace the stored ones)',
        params: ChannelParams,
        body: UpdateChannelBody,
        response: { 200: Channel },
      },
    },
    async (request) => changeChannel(db, secrets, request.params.id, request.body),
  );

  app.delete(
    '/channels/:id',
    {
      schema: {
        tags,
        summary: 'Delete a sales channel that never took an order (409 otherwise: disable it)',
        params: ChannelParams,
        response: { 204: Type.Null() },
      },
    },
    async (request, reply) => {
      await removeChannel(db, request.params.id);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/channels/:id/sku-map',
    {
      config: { roles: READ },
      schema: {
        tags,
        summary: "The channel's SKU mapping (channel SKU or variant id → our SKU)",
        params: ChannelParams,
        querystring: SkuMapQuery,
        response: { 200: SkuMapPage },
      },
    },
    async (request) => getSkuMapPage(db, request.params.id, request.query),
  );

  app.put(
    '/channels/:id/sku-map',
    {
      schema: {
        tags,
        summary: 'Map channel SKUs to ours (upsert); held orders are then released with POST …/release',
        params: ChannelParams,
        body: PutSkuMapBody,
        response: { 200: Type.Object({ mapped: Type.Integer() }) },
      },
    },
    async (request) => putSkuMap(db, request.params.id, request.body.entries),
  );

  app.delete(
    '/channels/:id/sku-map',
    {
      schema: {
        tags,
        summary: 'Remove mappings of channel SKUs',
        params: ChannelParams,
        body: DeleteSkuMapBody,
        response: { 200: Type.Object({ removed: Type.Integer() }) },
      },
    },
    async (request) => removeSkuMap(db, request.params.id, request.body.channelSkus),
  );

  app.get(
    '/channels/:id/stock-push',
    {
      config: { roles: READ },
      schema: {
        tags,
        summary: "Stock pushes to the channel: the pusher's counters, what waits, each SKU's last push",
        description:
          'Read-only. SKUs page by SKU; `due` counts SKUs whose newest level the channel has not acknowledged.',
        params: ChannelParams,
        querystring: StockPushStatusQuery,
        response: { 200: StockPushStatus },
      },
    },
    async (request) => stockPushStatus(db, request.params.id, request.query),
  );

  app.get(
    '/channels/:id/orders',
    {
      config: { roles: READ },
      schema: {
        tags,
        summary: "The channel's orders as received: placed, or held with the reason",
        params: ChannelParams,
        querystring: ChannelOrderListQuery,
        response: { 200: ChannelOrderPage },
      },
    },
    async (request) => listChannelOrderPage(db, request.params.id, request.query),
  );

  app.post(
    '/channels/:id/orders/:channelOrderId/release',
    {
      schema: {
        tags,
        summary: 'Place a held channel order once what held it is fixed (409 with the reason if still held)',
        params: ChannelOrderParams,
        response: {
          200: Type.Object({
            channelOrderId: Type.String(),
            orderId: Type.Union([Type.String(), Type.Null()]),
            outcome: Type.String(),
          }),
        },
      },
    },
    async (request) => {
      const result = await releaseChannelOrder(
        deps,
        request.params.id,
        request.params.channelOrderId,
        actorOf(request),
      );
      return { channelOrderId: result.channelOrderId, orderId: result.orderId, outcome: result.outcome };
    },
  );
};
