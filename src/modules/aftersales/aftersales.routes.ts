import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { Config } from '../../platform/config.js';
import type { Db } from '../../platform/db/database.js';
import { decodeCursor, IdCursor, Page, pageOf } from '../../platform/http/pagination.js';
import { OrderAccessSchema, type OrderHooks, orderAccessHook } from '../orders/index.js';
import { buildPaymentProviders } from '../payments/index.js';
import {
  CreateKbArticleBody,
  CreateReturnBody,
  DecisionBody,
  KbArticle,
  KbQuery,
  ListReturnsQuery,
  OrderIdParams,
  ReceiveBody,
  RejectBody,
  Return,
  ReturnDetail,
  ReturnIdParams,
  ReturnRefundBody,
  ReturnRuleSchema,
} from './aftersales.schemas.js';
import { createArticle, searchArticles, suggestArticles } from './kb.js';
import { refundReturn } from './refund-return.js';
import { requestReturn } from './request-return.js';
import { approveReturn, receiveReturn, rejectReturn } from './return-decisions.js';
import { listReturnRules, upsertReturnRule } from './return-rules.js';
import { loadReturn, toReturn } from './return-views.js';
import { findReturnLines, listReturns } from './returns.repository.js';

const actorOf = (request: FastifyRequest) => request.principal?.name ?? 'anonymous';

/** What these routes use. */
export interface AftersalesDeps {
  db: Db;
  config: Pick<Config, 'providers'>;
  orderHooks: OrderHooks;
}

export const aftersalesRoutes: FastifyPluginAsyncTypebox<{ deps: AftersalesDeps }> = async (
  app,
  { deps },
) => {
  const providers = buildPaymentProviders(deps.config.providers);
  const tags = ['aftersales'];

  app.post(
    '/orders/:id/returns',
    {
      config: { roles: ['storefront', 'support'] },
      schema: {
        tags,
        summary: 'Ask for a return, an exchange or a refund only, within the return window',
        params: OrderIdParams,
        ...OrderAccessSchema,
        body: CreateReturnBody,
        response: { 201: Return },
      },
      onRequest: orderAccessHook(deps.db),
    },
    async (request, reply) =>
      reply.status(201).send(await requestReturn(deps.db, request.params.id, request.body, actorOf(request))),
  );

  app.get(
    '/returns',
    {
      config: { roles: ['support', 'finance', 'warehouse'] },
      schema: {
        tags,
        summary: 'Returns, newest first',
        querystring: ListReturnsQuery,
        response: { 200: Page(Return) },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 50;
      const before = decodeCursor(request.query.cursor, IdCursor);
      const rows = await listReturns(deps.db, { ...request.query, beforeId: before?.[0], limit: limit + 1 });
      const lines = await findReturnLines(
        deps.db,
        rows.slice(0, limit).map((r) => r.id),
      );
      return pageOf(
        rows,
        limit,
        (r) =>
          toReturn(
            r,
            lines.filter((l) => l.return_id === r.id),
          ),
        (last) => [last.id],
      );
    },
  );

  app.get(
    '/returns/:id',
    {
      config: { roles: ['support', 'finance', 'warehouse', 'storefront'] },
      schema: {
        tags,
        summary: 'A return, with knowledge-base articles for its reason',
        params: ReturnIdParams,
        response: { 200: ReturnDetail },
      },
    },
    async (request) => {
      const r = await loadReturn(deps.db, request.params.id);
      return { ...r, suggestedArticles: await suggestArticles(deps.db, r.reason) };
    },
  );

  const step = <
    B extends typeof DecisionBody | typeof RejectBody | typeof ReceiveBody | typeof ReturnRefundBody,
  >(
    summary: string,
    roles: readonly ('support' | 'finance' | 'warehouse')[],
    body: B,
  ) => ({
    config: { roles },
    schema: { tags, summary, params: ReturnIdParams, body, response: { 200: Return } },
  });

  app.post('/returns/:id/approve', step('Approve a request', ['support'], DecisionBody), async (request) =>
    approveReturn(deps.db, deps.orderHooks, request.params.id, request.body.note, actorOf(request)),
  );
  app.post(
    '/returns/:id/reject',
    step('Reject a request, with a note', ['support'], RejectBody),
    async (request) => rejectReturn(deps.db, request.params.id, request.body.note, actorOf(request)),
  );
  app.post(
    '/returns/:id/receive',
    step(
      'The goods are back (restocked when sellable); an exchange sends its replacement',
      ['warehouse', 'support'],
      ReceiveBody,
    ),
    async (request) => receiveReturn(deps.db, request.params.id, request.body, actorOf(request)),
  );
  app.post(
    '/returns/:id/refund',
    step('Refund through the payment provider, shipping by rule', ['finance', 'support'], ReturnRefundBody),
    async (request) => refundReturn(deps.db, providers, request.params.id, request.body, actorOf(request)),
  );

  app.get(
    '/return-rules',
    {
      config: { roles: ['support'] },
      schema: { tags, summary: 'Return windows per region', response: { 200: Type.Array(ReturnRuleSchema) } },
    },
    async () => listReturnRules(deps.db),
  );
  app.put(
    '/return-rules',
    {
      schema: {
        tags,
        summary: 'Set a return window (admin)',
        body: ReturnRuleSchema,
        response: { 200: Type.Array(ReturnRuleSchema) },
      },
    },
    async (request) => {
      await upsertReturnRule(deps.db, request.body);
      return listReturnRules(deps.db);
    },
  );

  app.get(
    '/kb/articles',
    {
      config: { roles: ['storefront', 'support', 'finance', 'warehouse', 'channel'] },
      schema: {
        tags,
        summary: 'Knowledge base: full-text search',
        querystring: KbQuery,
        response: { 200: Type.Object({ data: Type.Array(KbArticle) }) },
      },
    },
    async (request) => ({ data: await searchArticles(deps.db, request.query) }),
  );
  app.post(
    '/kb/articles',
    {
      config: { roles: ['support'] },
      schema: {
        tags,
        summary: 'Write a knowledge-base article',
        body: CreateKbArticleBody,
        response: { 201: KbArticle },
      },
    },
    async (request, reply) => reply.status(201).send(await createArticle(deps.db, request.body)),
  );
};
