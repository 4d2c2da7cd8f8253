import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Config } from '../../platform/config.js';
import type { Db } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { notFound } from '../../platform/errors.js';
import { lockOrder, OrderAccessSchema, orderAccessCheck, orderAccessHook } from '../orders/index.js';
import { resolveHeldPayment } from './held-payments.js';
import {
  capturePayment,
  createPayment,
  getPayment,
  paySandboxPayment,
  queryPayment,
} from './payment-intents.js';
import { toRefund } from './payment-views.js';
import { findPaymentById, lockPaymentById } from './payments.repository.js';
import {
  CreatePaymentBody,
  OrderIdParams,
  Payment,
  PaymentIdParams,
  Refund,
  RefundBody,
  ResolvePaymentBody,
} from './payments.schemas.js';
import { buildPaymentProviders } from './providers/registry.js';
import { requestPaymentRefund, settleDueRefunds } from './refunds.js';
import { findRefundById } from './refunds.repository.js';

const actorOf = (request: FastifyRequest) => request.principal?.name ?? 'anonymous';

/** What these routes use. */
export interface PaymentDeps {
  db: Db;
  config: Pick<Config, 'providers' | 'orderPaymentTimeoutSeconds'>;
}

export const paymentRoutes: FastifyPluginAsyncTypebox<{ deps: PaymentDeps }> = async (app, { deps }) => {
  const providers = buildPaymentProviders(deps.config.providers);
  const payers = ['storefront', 'support', 'finance'] as const;

  app.post(
    '/orders/:id/payments',
    {
      config: { roles: payers },
      schema: {
        tags: ['payments'],
        summary: 'Open a payment intent for what the order still owes',
        description:
          'Providers: sandbox, alipay (page-pay link), wechatpay (Native QR code). cod is collected at delivery.',
        params: OrderIdParams,
        ...OrderAccessSchema,
        body: CreatePaymentBody,
        response: { 201: Payment },
      },
      onRequest: orderAccessHook(deps.db, { checkedByCommand: true }),
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await createPayment(deps.db, providers, request.params.id, request.body, orderAccessCheck(request)),
        ),
  );

  app.get(
    '/payments/:id',
    {
      config: { roles: [...payers] },
      schema: { tags: ['payments'], params: PaymentIdParams, response: { 200: Payment } },
    },
    async (request) => getPayment(deps.db, request.params.id),
  );

  // Admin only: it marks money received without any provider having seen money.
  app.post(
    '/payments/:id/pay',
    {
      // the provider's callback it stands in for is not an operator's action (kept in payment_callbacks)
      config: { audit: false },
      schema: {
        tags: ['payments'],
        summary: 'Sandbox only: the buyer pays (a signed simulated callback); admin only',
        description:
          'Only where the sandbox is on (PAYMENT_SANDBOX: the embedded demo by default, off with DATABASE_URL).',
        params: PaymentIdParams,
        response: { 200: Payment },
      },
    },
    async (request) =>
      paySandboxPayment(deps.db, providers, deps.config.providers.sandboxSecret, request.params.id),
  );

  // Admin only, like pay: only the sandbox's authorizations are captured here (providers capture their own).
  app.post(
    '/payments/:id/capture',
    {
      schema: {
        tags: ['payments'],
        summary: 'Capture an authorized sandbox payment; admin only',
        params: PaymentIdParams,
        response: { 200: Payment },
      },
    },
    async (request) => capturePayment(deps.db, providers, request.params.id, actorOf(request)),
  );

  app.post(
    '/payments/:id/query',
    {
      config: { roles: ['finance', 'support'] },
      schema: {
        tags: ['payments'],
        summary: 'Ask the provider how the payment stands and apply it (a lost notification)',
        params: PaymentIdParams,
        response: { 200: Payment },
      },
    },
    async (request) => queryPayment(deps.db, providers, request.params.id),
  );

  app.post(
    '/payments/:id/refunds',
    {
      config: { roles: ['finance', 'support'] },
      schema: {
        tags: ['payments'],
        summary: 'Refund all or part of a payment through its provider; never more than was paid',
        params: PaymentIdParams,
        body: RefundBody,
        response: { 201: Refund },
      },
    },
    async (request, reply) => {
      const refund = await inTransaction(deps.db, async (trx) => {
        const found = await findPaymentById(trx, request.params.id);
        if (!found) throw notFound('Payment', request.params.id);
        await lockOrder(trx, found.order_id);
        const payment = (await lockPaymentById(trx, found.id))!;
        return requestPaymentRefund(
          trx,
          payment,
          request.body.amount,
          request.body.reason ?? 'requested',
          actorOf(request),
        );
      });
      if (refund.status === 'pending') await settleDueRefunds(deps.db, providers, new Date(), [refund.id]);
      return reply.status(201).send(toRefund((await findRefundById(deps.db, refund.id))!));
    },
  );

  app.post(
    '/payments/:id/resolve',
    {
      config: { roles: ['finance'] },
      schema: {
        tags: ['payments'],
        summary: 'Settle money held because it did not match its intent: accept it, or refund it',
        description:
          'Only a held payment (a verified provider message reported another amount or currency). accept counts the received amount toward the order; refund gives it back through the provider. The order is unflagged and, if still unpaid, gets a new payment deadline; both are in its timeline.',
        params: PaymentIdParams,
        body: ResolvePaymentBody,
        response: { 200: Payment },
      },
    },
    async (request) =>
      resolveHeldPayment(deps.db, providers, request.params.id, request.body, {
        actor: actorOf(request),
        now: new Date(),
        paymentTimeoutSeconds: deps.config.orderPaymentTimeoutSeconds,
      }),
  );
};
