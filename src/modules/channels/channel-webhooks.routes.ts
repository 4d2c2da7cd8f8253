import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { keepRawBodies } from '../../platform/http/raw-body.js';
import { ChannelSecrets } from './channel-secrets.js';
import { receiveWebhook } from './channel-webhooks.js';
import type { ChannelDeps } from './channels.routes.js';
import { ChannelParams } from './channels.schemas.js';

const header = (request: FastifyRequest, name: string) => {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

const Receipt = Type.Object({
  outcome: Type.String({
    description: 'queued, duplicate (this delivery id was kept before), ignored (a topic not taken), ping',
  }),
});
// A Shopify order with hundreds of lines stays well under this; more is not an order.
const bodyLimit = 2 * 1024 * 1024;
const tags = ['channels'];

/** Webhooks of Shopify and WooCommerce: no API key, the channel's signature instead (keepRawBodies). */
export const channelWebhookRoutes: FastifyPluginAsyncTypebox<{ deps: ChannelDeps }> = async (
  app,
  { deps },
) => {
  keepRawBodies(app);
  const secrets = new ChannelSecrets(deps.config.channelSecretsKey);

  app.post(
    '/channels/:id/webhooks/shopify',
    {
      config: { public: true },
      bodyLimit,
      schema: {
        tags,
        summary: 'Shopify webhooks: orders/create, orders/updated, orders/cancelled, refunds/create',
        description:
          'X-Shopify-Hmac-Sha256 is checked over the raw body before it is read (401, nothing kept); deliveries are kept once per X-Shopify-Webhook-Id and applied by a job, so the answer is immediate.',
        params: ChannelParams,
        consumes: ['application/json'],
        body: Type.String({ description: 'The order or refund as Shopify sent it' }),
        response: { 200: Receipt },
      },
    },
    async (request) =>
      receiveWebhook(
        deps.db,
        secrets,
        'shopify',
        request.params.id,
        {
          signature: header(request, 'x-shopify-hmac-sha256'),
          topic: header(request, 'x-shopify-topic'),
          deliveryId: header(request, 'x-shopify-webhook-id'),
        },
        request.body,
      ),
  );

  app.post(
    '/channels/:id/webhooks/woocommerce',
    {
      config: { public: true },
      bodyLimit,
      schema: {
        tags,
        summary:
          'WooCommerce webhooks: order.created, order.updated, order.deleted (and the ping on creation)',
        description:
          'X-WC-Webhook-Signature is checked over the raw body before it is read (401, nothing kept); deliveries are kept once per X-WC-Webhook-Delivery-ID and applied by a job. order.created fired twice and payloads built at delivery time are ordered by date_modified_gmt.',
        params: ChannelParams,
        consumes: ['application/json', 'application/x-www-form-urlencoded'],
        body: Type.String({ description: 'The order as WooCommerce sent it, or the ping form' }),
        response: { 200: Receipt },
      },
    },
    async (request) =>
      receiveWebhook(
        deps.db,
        secrets,
        'woocommerce',
        request.params.id,
        {
          signature: header(request, 'x-wc-webhook-signature'),
          topic: header(request, 'x-wc-webhook-topic'),
          deliveryId: header(request, 'x-wc-webhook-delivery-id'),
        },
        request.body,
      ),
  );
};
