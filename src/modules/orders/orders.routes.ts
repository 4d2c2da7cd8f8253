import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { channelFor } from '../../platform/auth/channel-scope.js';
import type { Config } from '../../platform/config.js';
import type { Db } from '../../platform/db/database.js';
import { AppError, invalid } from '../../platform/errors.js';
import { claimLost, idempotentCommit } from '../../platform/http/idempotency.js';
import { Page } from '../../platform/http/pagination.js';
import { configuredPaymentMethods } from '../../platform/provider-config.js';
import type { SkuDirectory } from '../catalog/index.js';
import type { PricingRulesCache } from '../pricing/index.js';
import { OrderAccessSchema, orderAccessHook, reissueOrderAccessToken } from './order-access.js';
import { cancelOrder } from './order-commands.js';
import { confirmReceipt } from './order-fulfilment.js';
import type { OrderHooks } from './order-hooks.js';
import { findOrders, getOrder, getOrderDetail } from './order-queries.js';
import { orderViewFor } from './order-views.js';
import { placedOrderId } from './orders.repository.js';
import {
  CancelOrderBody,
  ConfirmReceiptBody,
  ListOrdersQuery,
  OrderDetail,
  OrderIdParams,
  OrderSummary,
  PlacedOrder,
  PlaceOrderBody,
} from './orders.schemas.js';
import { placeOrder } from './place-order.js';

const actorOf = (request: FastifyRequest) => request.principal?.name ?? 'anonymous';

/** The expected version from the body, or else from `If-Match: "3"`; both given must agree. */
export function expectedVersion(request: FastifyRequest, fromBody: number | undefined): number | undefined {
  const header = request.headers['if-match'];
  if (header === undefined) return fromBody;
  const m = /^(?:W\/)?"?(\d{1,9})"?$/.exec(String(header).trim());
  if (!m) throw invalid([{ field: 'headers.if-match', message: 'must be the order version, e.g. "3"' }]);
  const v = Number(m[1]);
  if (fromBody !== undefined && fromBody !== v) {
    throw invalid([{ field: 'headers.if-match', message: 'disagrees with body.version' }]);
  }
  return v;
}

/** What these routes use. */
export interface OrderDeps {
  db: Db;
  config: Pick<Config, 'orderPaymentTimeoutSeconds' | 'providers'>;
  skus: Pick<SkuDirectory, 'resolve'>;
  orderHooks: OrderHooks;
  pricingRules: PricingRulesCache;
}

export const orderRoutes: FastifyPluginAsyncTypebox<{ deps: OrderDeps }> = async (app, { deps }) => {
  const readers = ['support', 'finance', 'warehouse', 'channel'] as const;
  const paymentMethods = configuredPaymentMethods(deps.config.providers);
  const orderAccess = orderAccessHook(deps.db);

  app.post(
    '/orders',
    {
      config: {
        roles: ['storefront', 'channel', 'support'],
        // A retry of a placement whose answer was lost (a crash after commit) gets the order it placed.
        // Its token was lost with that answer (only its hash is kept), so the order gets a new one. The
        // token is never stored with the answer either: a repeat gets the stored order and a new token.
        idempotency: {
          secretFields: ['accessToken'],
          reissue: async (id) => ({ accessToken: await reissueOrderAccessToken(deps.db, id) }),
          recover: async (id) => ({
            status: 201,
            body: {
              ...(await getOrder(deps.db, id)),
              accessToken: await reissueOrderAccessToken(deps.db, id),
            },
          }),
        },
      },
      schema: {
        tags: ['orders'],
        summary: 'Place an order: prices from the catalog, every line reserved or none',
        description:
          "The answer carries the order's accessToken, shown once: a storefront key reaches the order only with it. A channel key places orders for its own channel.",
        body: PlaceOrderBody,
        response: { 201: PlacedOrder },
      },
    },
    async (request, reply) => {
      const input = { ...request.body, channel: channelFor(request.principal, request.body.channel) };
      const order = await placeOrder(deps.db, input, {
        actor: actorOf(request),
        paymentTimeoutSeconds: deps.config.orderPaymentTimeoutSeconds,
        paymentMethods,
        skus: deps.skus.resolve,
        pricingRules: deps.pricingRules,
        onPlacing: deps.orderHooks.onPlacing,
        // The Idempotency-Key commits with the order, so a retry after a crash knows whether it was placed.
        alongside: idempotentCommit(request, placedOrderId),
      }).catch((error: unknown) => {
        throw claimLost(error) ?? error;
      });
      return reply.status(201).header('etag', `"${order.version}"`).send(order);
    },
  );

  app.get(
    '/orders',
    {
      config: { roles: readers },
      schema: {
        tags: ['orders'],
        summary: 'Find orders',
        description:
          "A channel key finds its own channel's orders only; a warehouse key sees no customer contact and searches `q` by order number only.",
        querystring: ListOrdersQuery,
        response: { 200: Page(OrderSummary) },
      },
    },
    async (request) => {
      const who = request.principal;
      if (who?.role === 'warehouse' && request.query.customer !== undefined)
        throw new AppError('forbidden', 'A warehouse key may not look orders up by customer');
      const page = await findOrders(deps.db, {
        ...request.query,
        channel: channelFor(who, request.query.channel),
        qNumberOnly: who?.role === 'warehouse',
      });
      return { ...page, data: page.data.map((o) => orderViewFor(who?.role, o)) };
    },
  );

  app.get(
    '/orders/:id',
    {
      config: { roles: [...readers, 'storefront'] },
      schema: {
        tags: ['orders'],
        summary: 'An order with lines, reservations, payments and timeline',
        description:
          "A storefront key needs the order's access token; a channel key reaches its channel's orders only; a warehouse key sees no customer contact, a finance key no addresses.",
        params: OrderIdParams,
        ...OrderAccessSchema,
        response: { 200: OrderDetail },
      },
      onRequest: orderAccess,
    },
    async (request, reply) => {
      const order = await getOrderDetail(
        deps.db,
        request.params.id,
        deps.orderHooks,
        request.principal?.role,
      );
      return reply.header('etag', `"${order.version}"`).send(orderViewFor(request.principal?.role, order));
    },
  );

  app.post(
    '/orders/:id/cancel',
    {
      config: { roles: ['support', 'storefront'] },
      schema: {
        tags: ['orders'],
        summary: 'Cancel before shipment; stock is released and payments refunded',
        params: OrderIdParams,
        ...OrderAccessSchema,
        body: Type.Optional(CancelOrderBody),
        response: { 200: OrderDetail },
      },
      onRequest: orderAccess,
    },
    async (request, reply) => {
      const body = request.body ?? {};
      await cancelOrder(
        deps.db,
        request.params.id,
        { reason: body.reason, version: expectedVersion(request, body.version) },
        actorOf(request),
        deps.orderHooks,
      );
      const order = await getOrderDetail(
        deps.db,
        request.params.id,
        deps.orderHooks,
        request.principal?.role,
      );
      return reply.header('etag', `"${order.version}"`).send(order);
    },
  );

  app.post(
    '/orders/:id/confirm-receipt',
    {
      config: { roles: ['storefront', 'support'] },
      schema: {
        tags: ['orders'],
        summary: 'The buyer confirms receipt: a delivered order is completed',
        params: OrderIdParams,
        ...OrderAccessSchema,
        body: Type.Optional(ConfirmReceiptBody),
        response: { 200: OrderDetail },
      },
      onRequest: orderAccess,
    },
    async (request, reply) => {
      const version = expectedVersion(request, request.body?.version);
      await confirmReceipt(deps.db, request.params.id, actorOf(request), version);
      const order = await getOrderDetail(
        deps.db,
        request.params.id,
        deps.orderHooks,
        request.principal?.role,
      );
      return reply.header('etag', `"${order.version}"`).send(order);
    },
  );
};
