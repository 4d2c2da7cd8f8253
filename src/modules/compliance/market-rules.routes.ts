import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Db } from '../../platform/db/database.js';
import { MarketRule, ReportQuery, RuleBody, RuleParams, RuleReport } from './market-rules.schemas.js';
import {
  createMarketRule,
  deleteMarketRule,
  getMarketRule,
  listMarketRules,
  marketRulesReport,
  replaceMarketRule,
} from './market-rules.service.js';
import type { MarketRules } from './market-rules-check.js';

export interface MarketRuleDeps {
  db: Db;
  marketRules: MarketRules;
}

/** /v1/compliance/rules: the market rules, admin only (they decide which orders may be placed). */
export const marketRuleRoutes: FastifyPluginAsyncTypebox<{ deps: MarketRuleDeps }> = async (
  app,
  { deps },
) => {
  const tags = ['compliance'];
  const config = { roles: [] };

  app.post(
    '/compliance/rules',
    {
      config,
      schema: {
        tags,
        summary: 'Add a market rule: checks at order placement for a destination and channels',
        description:
          'A rule that contradicts itself (a limit without its currency, an order limit above the yearly one) is refused with 422; one that sets a limit an active rule reaching the same orders sets too, with 409.',
        body: RuleBody,
        response: { 201: MarketRule },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await createMarketRule(deps.db, deps.marketRules, request.body)),
  );

  app.get(
    '/compliance/rules',
    { config, schema: { tags, summary: 'The market rules', response: { 200: Type.Array(MarketRule) } } },
    async () => listMarketRules(deps.db),
  );

  app.get(
    '/compliance/rules/report',
    {
      config,
      schema: {
        tags,
        summary: 'Orders per market rule and outcome: accepted, and refused by reason',
        querystring: ReportQuery,
        response: { 200: RuleReport },
      },
    },
    async (request) => marketRulesReport(deps.db, deps.marketRules, request.query.from, request.query.to),
  );

  app.get(
    '/compliance/rules/:id',
    { config, schema: { tags, summary: 'A market rule', params: RuleParams, response: { 200: MarketRule } } },
    async (request) => getMarketRule(deps.db, request.params.id),
  );

  app.put(
    '/compliance/rules/:id',
    {
      config,
      schema: {
        tags,
        summary: 'Replace a market rule (active: false pauses it and keeps its yearly totals)',
        params: RuleParams,
        body: RuleBody,
        response: { 200: MarketRule },
      },
    },
    async (request) => replaceMarketRule(deps.db, deps.marketRules, request.params.id, request.body),
  );

  app.delete(
    '/compliance/rules/:id',
    { config, schema: { tags, summary: 'Delete a market rule', params: RuleParams } },
    async (request, reply) => {
      await deleteMarketRule(deps.db, deps.marketRules, request.params.id);
      return reply.status(204).send();
    },
  );
};
