import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { channelFor } from '../../platform/auth/channel-scope.js';
import type { Config } from '../../platform/config.js';
import type { Db } from '../../platform/db/database.js';
import { configuredPaymentMethods } from '../../platform/provider-config.js';
import type { SkuDirectory } from '../catalog/index.js';
import type { OrderHooks } from '../orders/index.js';
import { buildPaymentProviders, checkoutPayment } from '../payments/index.js';
import type { PricingRulesCache } from '../pricing/index.js';
import {
  AddItemBody,
  Cart,
  CartItemParams,
  CartParams,
  CartShippingOptions,
  ChangeItemBody,
  CheckoutBody,
  CheckoutResult,
  CreateCartBody,
  ShippingOptionsQuery,
} from './cart.schemas.js';
import {
  addCartItem,
  changeCartItem,
  checkoutCart,
  createCart,
  getCart,
  removeCartItem,
} from './cart.service.js';
import { cartShippingOptions } from './shipping-options.js';

/** What these routes use. */
export interface CartRouteDeps {
  db: Db;
  config: Pick<Config, 'orderPaymentTimeoutSeconds' | 'providers'>;
  skus: Pick<SkuDirectory, 'resolve'>;
  pricingRules: PricingRulesCache;
  orderHooks: Pick<OrderHooks, 'onPlacing'>;
}

export const cartRoutes: FastifyPluginAsyncTypebox<{ deps: CartRouteDeps }> = async (app, { deps }) => {
  const config = { roles: ['storefront', 'support', 'channel'] as const };
  const carts = { db: deps.db, skus: deps.skus.resolve };
  const paymentMethods = configuredPaymentMethods(deps.config.providers);
  const providers = buildPaymentProviders(deps.config.providers);
  const tags = ['cart'];

  app.post(
    '/carts',
    { config, schema: { tags, summary: 'Create a cart', body: CreateCartBody, response: { 201: Cart } } },
    async (request, reply) => reply.status(201).send(await createCart(carts, request.body ?? {})),
  );

  app.get(
    '/carts/:id',
    {
      config,
      schema: {
        tags,
        summary: 'A cart with current prices and stock',
        params: CartParams,
        response: { 200: Cart },
      },
    },
    async (request) => getCart(carts, request.params.id),
  );

  app.get(
    '/carts/:id/shipping-options',
    {
      config,
      schema: {
        tags,
        summary:
          'Shipping options for the cart to an address, with price, delivery promise and cash on delivery',
        params: CartParams,
        querystring: ShippingOptionsQuery,
        response: { 200: CartShippingOptions },
      },
    },
    async (request) =>
      cartShippingOptions({ ...carts, pricingRules: deps.pricingRules }, request.params.id, request.query),
  );

  app.post(
    '/carts/:id/items',
    {
      config,
      schema: {
        tags,
        summary: 'Add a SKU (adds to its line if present)',
        params: CartParams,
        body: AddItemBody,
        response: { 201: Cart },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await addCartItem(carts, request.params.id, request.body)),
  );

  app.patch(
    '/carts/:id/items/:itemId',
    {
      config,
      schema: {
        tags,
        summary: 'Change a line quantity',
        params: CartItemParams,
        body: ChangeItemBody,
        response: { 200: Cart },
      },
    },
    async (request) => changeCartItem(carts, request.params.id, request.params.itemId, request.body.quantity),
  );

  app.delete(
    '/carts/:id/items/:itemId',
    { config, schema: { tags, summary: 'Remove a line', params: CartItemParams, response: { 200: Cart } } },
    async (request) => removeCartItem(carts, request.params.id, request.params.itemId),
  );

  app.post(
    '/carts/:id/checkout',
    {
      config,
      schema: {
        tags,
        summary: 'Place the order for this cart',
        params: CartParams,
        body: CheckoutBody,
        description:
          "The answer carries the order's accessToken, shown once: a storefront key reaches the order only with it. With `payment`, the payment intent is opened in the same call and answered as `payment`.",
        response: { 201: CheckoutResult },
      },
    },
    async (request, reply) => {
      const { payment: paying, ...body } = request.body;
      const input = { ...body, channel: channelFor(request.principal, body.channel) };
      const payment = paying && checkoutPayment(providers, body.paymentMethod, paying);
      const order = await checkoutCart(carts, request.params.id, input, {
        actor: request.principal?.name ?? 'guest',
        paymentTimeoutSeconds: deps.config.orderPaymentTimeoutSeconds,
        paymentMethods,
        pricingRules: deps.pricingRules,
        onPlacing: deps.orderHooks.onPlacing,
        ...(payment ? { withPlaced: payment.writes } : {}),
      });
      const answer = payment ? { ...order, payment: await payment.opened(deps.db, order.number) } : order;
      return reply.status(201).send(answer);
    },
  );
};
