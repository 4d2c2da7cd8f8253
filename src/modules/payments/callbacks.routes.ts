import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { toProblem } from '../../platform/http/problem.js';
import { keepRawBodies } from '../../platform/http/raw-body.js';
import { handlePaymentCallback } from './payment-callbacks.js';
import type { PaymentDeps } from './payments.routes.js';
import { ProviderParams } from './payments.schemas.js';
import { buildPaymentProviders } from './providers/registry.js';
import { settleDueRefunds } from './refunds.js';

/**
 * POST /v1/callbacks/payments/{provider}: no API key, the provider's own signature instead.
 * Alipay posts a form and wants the text `success`; WeChat Pay posts JSON and wants a 2xx; the
 * sandbox posts JSON signed with Sandbox-Signature.
 */
export const paymentCallbackRoutes: FastifyPluginAsyncTypebox<{ deps: PaymentDeps }> = async (
  app,
  { deps },
) => {
  keepRawBodies(app);
  const providers = buildPaymentProviders(deps.config.providers);

  // A provider with its own failure format (WeChat Pay) gets every refusal in it, a bad signature
  // or a body the framework refused included; the others get RFC 9457 from the app's handler.
  app.setErrorHandler((error, request, reply) => {
    const provider = providers.get((request.params as { provider?: string } | undefined)?.provider ?? '');
    if (!provider?.refusal) throw error;
    const p = toProblem(error as Error);
    if (p.status >= 500) request.log.error({ err: error }, 'payment callback failed');
    const answer = provider.refusal(p.status, p.detail);
    return reply.status(answer.status).type(answer.type).send(answer.body);
  });

  app.post(
    '/callbacks/payments/:provider',
    {
      config: { public: true },
      schema: {
        tags: ['callbacks'],
        summary: 'Payment provider notifications (Alipay notify_url, WeChat Pay v3, sandbox)',
        description:
          'Verified by the provider signature (401 and nothing changes when it fails); applied once per provider message id. Refusals are RFC 9457 problems, except to WeChat Pay, which gets its own {"code":"FAIL","message":…} (message at most 64 characters).',
        params: ProviderParams,
        consumes: ['application/x-www-form-urlencoded', 'application/json'],
        body: Type.String({ description: 'The provider notification, as sent' }),
        response: {
          200: Type.String({ description: 'The acknowledgement the provider expects (Alipay: success)' }),
          204: Type.Null({ description: 'Taken (WeChat Pay)' }),
        },
      },
    },
    async (request, reply) => {
      const { answer, refundIds } = await handlePaymentCallback(deps.db, providers, request.params.provider, {
        headers: request.headers,
        body: request.body,
        now: new Date(),
      });
      if (refundIds.length) await settleDueRefunds(deps.db, providers, new Date(), refundIds);
      // the stored answer is replayed byte for byte, problem documents included
      const raw = reply as unknown as {
        status(code: number): typeof raw;
        type(t: string): typeof raw;
        serializer(f: (x: unknown) => string): typeof raw;
        send(b?: string): unknown;
      };
      if (answer.status === 204) return raw.status(204).send() as never;
      return raw.status(answer.status).type(answer.type).serializer(String).send(answer.body) as never;
    },
  );
};
