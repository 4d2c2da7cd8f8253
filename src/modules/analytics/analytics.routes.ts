import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifySchema } from 'fastify';
import type { Static, TSchema } from 'typebox';
import type { Db, Trx } from '../../platform/db/database.js';
import { availableBySku, stockBySkuAndWarehouse } from '../inventory/index.js';
import { readRollups } from './analytics.repository.js';
import {
  FunnelReport,
  LeadTimeQuery,
  LeadTimeReport,
  PaymentReport,
  ReportQuery,
  ReturnQuery,
  ReturnReport,
  SalesQuery,
  SalesReport,
  StockoutReport,
  StockQuery,
  StockReport,
} from './analytics.schemas.js';
import {
  funnelReport,
  leadTimeReport,
  paymentReport,
  returnReport,
  salesReport,
  stockoutReport,
  stockReport,
} from './analytics.service.js';

export interface AnalyticsDeps {
  db: Db;
}

/** Reads of the rollups (kept by the analytics consumer and the refresh job), for admin and support. */
export const analyticsRoutes: FastifyPluginAsyncTypebox<{ deps: AnalyticsDeps }> = async (app, { deps }) => {
  /** One report: GET path?query → 200 response, read in one rollup-reading transaction. */
  const report = <Q extends TSchema, R extends TSchema>(
    path: string,
    summary: string,
    querystring: Q,
    response: R,
    read: (trx: Trx, query: Static<Q>) => Promise<Static<R>>,
  ) =>
    app.get(
      path,
      // a plain FastifySchema: its types are `read`'s, checked where each report is declared (Fastify
      // cannot resolve a reply type for a generic R); validation and serialization are the schemas'
      {
        config: { roles: ['support'] as const },
        schema: { tags: ['analytics'], summary, querystring, response: { 200: response } } as FastifySchema,
      },
      async (request) => readRollups(deps.db, (trx) => read(trx, request.query as Static<Q>)),
    );

  report(
    '/analytics/sales',
    'Orders, GMV, AOV and units per hour/day/week/month and currency, against the previous period',
    SalesQuery,
    SalesReport,
    salesReport,
  );
  report(
    '/analytics/funnel',
    'How far the orders placed in the range got, and where the others were lost',
    ReportQuery,
    FunnelReport,
    funnelReport,
  );
  report(
    '/analytics/lead-times',
    'Placed→paid→shipped→delivered p50/p90 by warehouse, carrier or region, and bottlenecks',
    LeadTimeQuery,
    LeadTimeReport,
    leadTimeReport,
  );
  report(
    '/analytics/payments',
    'Payment success rate and time to pay per provider',
    ReportQuery,
    PaymentReport,
    paymentReport,
  );
  report(
    '/analytics/returns',
    'Return rates (units returned ÷ sold) of the orders placed in the range, by SKU, category or reason',
    ReturnQuery,
    ReturnReport,
    returnReport,
  );
  report(
    '/analytics/stock',
    'Sales velocity, days of cover and stockouts per SKU and per SKU × warehouse, and the SKUs that run out before restock',
    StockQuery,
    StockReport,
    (trx, query) =>
      stockReport(trx, query, { sellable: availableBySku, perWarehouse: stockBySkuAndWarehouse }),
  );
  report(
    '/analytics/stockouts',
    'Placements refused for stock (409) per day and SKU',
    ReportQuery,
    StockoutReport,
    stockoutReport,
  );
};
