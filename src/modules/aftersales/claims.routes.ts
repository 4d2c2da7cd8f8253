import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { Page } from '../../platform/http/pagination.js';
import { OrderAccessSchema, orderAccessHook } from '../orders/index.js';
import { buildPaymentProviders } from '../payments/index.js';
import type { AftersalesDeps } from './aftersales.routes.js';
import { OrderIdParams } from './aftersales.schemas.js';
import { claimsOfOrder, claimsQueue, loadClaim, openClaim, rejectClaim, resolveClaim } from './claims.js';
import {
  Claim,
  ClaimIdParams,
  ClaimSummary,
  ListClaimsQuery,
  OpenClaimBody,
  RejectClaimBody,
  ResolveClaimBody,
} from './claims.schemas.js';

const actorOf = (request: FastifyRequest) => request.principal?.name ?? 'anonymous';

export const claimRoutes: FastifyPluginAsyncTypebox<{ deps: AftersalesDeps }> = async (app, { deps }) => {
  const providers = buildPaymentProviders(deps.config.providers);
  const tags = ['aftersales'];
  const orderAccess = orderAccessHook(deps.db);

  app.post(
    '/orders/:id/claims',
    {
      config: { roles: ['storefront', 'support'] },
      schema: {
        tags,
        summary: 'Claim shipped items that arrived missing, damaged or wrong, with photos',
        description:
          'Photos are https URLs; a damaged or wrong item needs at least one. The answer suggests knowledge-base articles for the kind of claim.',
        params: OrderIdParams,
        ...OrderAccessSchema,
        body: OpenClaimBody,
        response: { 201: Claim },
      },
      onRequest: orderAccess,
    },
    async (request, reply) =>
      reply.status(201).send(await openClaim(deps.db, request.params.id, request.body, actorOf(request))),
  );

  app.get(
    '/orders/:id/claims',
    {
      config: { roles: ['storefront', 'support', 'finance'] },
      schema: {
        tags,
        summary: 'The claims of an order, oldest first',
        params: OrderIdParams,
        ...OrderAccessSchema,
        response: { 200: Type.Array(Claim) },
      },
      onRequest: orderAccess,
    },
    async (request) => claimsOfOrder(deps.db, request.params.id),
  );

  app.get(
    '/claims',
    {
      config: { roles: ['support', 'finance'] },
      schema: {
        tags,
        summary: 'The claims queue, newest first (open ones: status=open)',
        querystring: ListClaimsQuery,
        response: { 200: Page(ClaimSummary) },
      },
    },
    async (request) => claimsQueue(deps.db, request.query),
  );

  app.get(
    '/claims/:id',
    {
      config: { roles: ['support', 'finance'] },
      schema: {
        tags,
        summary: 'A claim, with knowledge-base suggestions',
        params: ClaimIdParams,
        response: { 200: Claim },
      },
    },
    async (request) => loadClaim(deps.db, request.params.id),
  );

  app.post(
    '/claims/:id/resolve',
    {
      config: { roles: ['support'] },
      schema: {
        tags,
        summary: 'Resolve a claim: refund its lines, send a replacement, or pay a compensation',
        description:
          'refund: the lines’ share of what was charged (after their discount, with the tax they added); replacement: stock reserved and a replacement shipment prepared; compensation: an amount up to what is left to refund.',
        params: ClaimIdParams,
        body: ResolveClaimBody,
        response: { 200: Claim },
      },
    },
    async (request) => resolveClaim(deps.db, providers, request.params.id, request.body, actorOf(request)),
  );

  app.post(
    '/claims/:id/reject',
    {
      config: { roles: ['support'] },
      schema: {
        tags,
        summary: 'Reject a claim, saying why',
        params: ClaimIdParams,
        body: RejectClaimBody,
        response: { 200: Claim },
      },
    },
    async (request) => rejectClaim(deps.db, request.params.id, request.body.note, actorOf(request)),
  );
};
