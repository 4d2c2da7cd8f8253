import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Db } from '../../platform/db/database.js';
import { Delivery, DeliveryListQuery, DeliveryPage, DeliveryParams } from './deliveries.schemas.js';
import { getDelivery, listDeliveryPage, retryDeliveryNow } from './deliveries.service.js';

const tags = ['sync'];

export const deliveryRoutes: FastifyPluginAsyncTypebox<{ deps: { db: Db } }> = async (app, { deps }) => {
  const { db } = deps;

  app.get(
    '/deliveries',
    {
      config: { roles: ['support'] },
      schema: {
        tags,
        summary: 'Deliveries, newest first; status=dead lists the dead letters',
        querystring: DeliveryListQuery,
        response: { 200: DeliveryPage },
      },
    },
    async (request) => listDeliveryPage(db, request.query),
  );

  app.get(
    '/deliveries/:id',
    {
      config: { roles: ['support'] },
      schema: { tags, summary: 'A delivery', params: DeliveryParams, response: { 200: Delivery } },
    },
    async (request) => getDelivery(db, request.params.id),
  );

  app.post(
    '/deliveries/:id/retry',
    {
      schema: {
        tags,
        summary: 'Send a dead or waiting delivery again now',
        params: DeliveryParams,
        response: { 200: Delivery },
      },
    },
    async (request) => retryDeliveryNow(db, request.params.id),
  );
};
