import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../app.js';
import { CreatePaymentBody, OrderIdParams, Payment, PaymentIdParams } from './payments.schemas.js';
import { createPayment, getPayment, paySandboxPayment } from './payments.service.js';

export const paymentRoutes: FastifyPluginAsyncTypebox<{ deps: AppDeps }> = async (app, { deps }) => {
  app.post(
    '/orders/:id/payments',
    {
      config: { roles: ['storefront', 'support', 'finance'] },
      schema: {
        tags: ['payments'],
        summary: 'Open a payment intent for what the order still owes',
        params: OrderIdParams,
        body: CreatePaymentBody,
        response: { 201: Payment },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createPayment(deps.db, request.params.id, request.body)),
  );

  app.get(
    '/payments/:id',
    {
      config: { roles: ['storefront', 'support', 'finance'] },
      schema: { tags: ['payments'], params: PaymentIdParams, response: { 200: Payment } },
    },
    async (request) => getPayment(deps.db, request.params.id),
  );

  app.post(
    '/payments/:id/pay',
    {
      config: { roles: ['storefront', 'support', 'finance'] },
      schema: {
        tags: ['payments'],
        summary: 'Sandbox only: the customer pays',
        params: PaymentIdParams,
        response: { 200: Payment },
      },
    },
    async (request) => paySandboxPayment(deps.db, request.params.id, request.principal?.name ?? 'customer'),
  );
};
