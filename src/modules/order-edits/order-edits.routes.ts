import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Config } from '../../platform/config.js';
import type { Db } from '../../platform/db/database.js';
import {
  expectedVersion,
  findOrderById,
  getOrderDetail,
  OrderAccessSchema,
  type OrderHooks,
  orderAccessHook,
} from '../orders/index.js';
import { buildPaymentProviders, createPayment, settleDueRefunds } from '../payments/index.js';
import type { PricingRulesCache } from '../pricing/index.js';
import { editOrder } from './edit-order.js';
import { findOrderEdits } from './order-edits.repository.js';
import {
  OrderEdit,
  OrderEditBody,
  OrderEditResult,
  OrderIdParams,
  OrderShippingOptions,
} from './order-edits.schemas.js';
import { orderShippingOptions } from './shipping-options.js';

const actorOf = (request: FastifyRequest) => request.principal?.name ?? 'anonymous';

/** What these routes use. */
export interface OrderEditDeps {
  db: Db;
  config: Pick<Config, 'providers' | 'orderPaymentTimeoutSeconds'>;
  orderHooks: OrderHooks;
  pricingRules: PricingRulesCache;
}

const toEdit = (r: Awaited<ReturnType<typeof findOrderEdits>>[number]): OrderEdit => ({
  id: r.id,
  orderId: r.order_id,
  version: r.version,
  actor: r.actor,
  reason: r.reason,
  before: r.before,
  after: r.after,
  difference: Number(r.difference),
  refunded: Number(r.refunded),
  due: Number(r.due),
  createdAt: r.created_at.toISOString(),
});

export const orderEditRoutes: FastifyPluginAsyncTypebox<{ deps: OrderEditDeps }> = async (app, { deps }) => {
  const providers = buildPaymentProviders(deps.config.providers);
  const orderAccess = orderAccessHook(deps.db);

  app.post(
    '/orders/:id/edits',
    {
      config: { roles: ['support', 'storefront'] },
      schema: {
        tags: ['orders'],
        summary: 'Edit an order before it ships: quantities, lines, an address, the shipping option',
        description:
          'Re-priced by the rules it was sold under; stock moves by the differences; money held beyond the new total is refunded, and what the new total leaves due is opened as a payment with the order’s provider. 409 once a shipment is prepared or the order has shipped.',
        params: OrderIdParams,
        ...OrderAccessSchema,
        body: OrderEditBody,
        response: { 201: OrderEditResult },
      },
      onRequest: orderAccess,
    },
    async (request, reply) => {
      const outcome = await editOrder(
        deps.db,
        request.params.id,
        { ...request.body, version: expectedVersion(request, request.body.version) },
        {
          actor: actorOf(request),
          pricingRules: deps.pricingRules,
          paymentTimeoutSeconds: deps.config.orderPaymentTimeoutSeconds,
        },
      );
      if (outcome.pendingRefunds.length)
        await settleDueRefunds(deps.db, providers, new Date(), outcome.pendingRefunds);
      // What the edit leaves due is opened with the order's own provider (not cash, which is
      // collected at the door); a provider that fails leaves the order owing, payable as before.
      let payment: unknown = null;
      const method = (await findOrderById(deps.db, request.params.id))!.payment_method;
      if (outcome.due > 0 && method !== 'cod' && providers.has(method)) {
        payment = await createPayment(deps.db, providers, request.params.id, {
          provider: method as Parameters<typeof createPayment>[3]['provider'],
        }).catch(() => null);
      }
      const order = await getOrderDetail(
        deps.db,
        request.params.id,
        deps.orderHooks,
        request.principal?.role,
      );
      const edits = await findOrderEdits(deps.db, request.params.id);
      const edit = edits.find((e) => e.id === outcome.editId)!;
      return reply
        .status(201)
        .header('etag', `"${order.version}"`)
        .send({ edit: toEdit(edit), order, payment });
    },
  );

  app.get(
    '/orders/:id/shipping-options',
    {
      config: { roles: ['support', 'storefront'] },
      schema: {
        tags: ['orders'],
        summary: 'The shipping options an edit of the order can choose, per address, with their prices',
        description:
          'Priced by the same rules as the checkout and the edit: for the order’s lines, address, coupons and rules, each option with the order’s total with it and the difference to the total now.',
        params: OrderIdParams,
        ...OrderAccessSchema,
        response: { 200: OrderShippingOptions },
      },
      onRequest: orderAccess,
    },
    async (request) => orderShippingOptions(deps.db, deps.pricingRules, request.params.id),
  );

  app.get(
    '/orders/:id/edits',
    {
      config: { roles: ['support', 'finance', 'storefront'] },
      schema: {
        tags: ['orders'],
        summary: 'The edits of an order, oldest first, each with the order before and after it',
        params: OrderIdParams,
        ...OrderAccessSchema,
        response: { 200: Type.Array(OrderEdit) },
      },
      onRequest: orderAccess,
    },
    async (request) => (await findOrderEdits(deps.db, request.params.id)).map(toEdit),
  );
};
