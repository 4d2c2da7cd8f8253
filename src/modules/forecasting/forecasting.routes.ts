import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Config } from '../../platform/config.js';
import type { Db } from '../../platform/db/database.js';
import { CAPACITY_ASSUMPTIONS, CAPACITY_RATES } from './capacity-rates.js';
import {
  Backtest,
  BacktestQuery,
  CapacityPlan,
  CapacityQuery,
  ForecastPoint,
  ForecastQuery,
} from './forecasting.schemas.js';
import { backtestOrderForecast, forecastOrderVolume, planCapacityFor } from './forecasting.service.js';

const date = (s: string | undefined) => (s === undefined ? undefined : new Date(s));

export interface ForecastingDeps {
  db: Db;
  config: Pick<Config, 'databasePoolSize'>;
}

export const forecastingRoutes: FastifyPluginAsyncTypebox<{ deps: ForecastingDeps }> = async (
  app,
  { deps },
) => {
  const tags = ['forecasting'];
  const readers = { roles: ['support'] as const };

  app.get(
    '/forecasts/orders',
    {
      config: readers,
      schema: {
        tags,
        summary: 'Expected orders per day or hour, with 80% and 95% intervals and scheduled flash sales',
        querystring: ForecastQuery,
        response: { 200: Type.Array(ForecastPoint) },
      },
    },
    async (request) =>
      forecastOrderVolume(
        deps.db,
        {
          granularity: request.query.granularity ?? 'day',
          horizon: request.query.horizon,
          channel: request.query.channel,
          start: date(request.query.start),
        },
        new Date(),
      ),
  );

  app.get(
    '/forecasts/backtest',
    {
      config: readers,
      schema: {
        tags,
        summary: 'Rolling-origin backtest: MASE against seasonal naive and naive, interval coverage',
        querystring: BacktestQuery,
        response: { 200: Backtest },
      },
    },
    async (request) =>
      backtestOrderForecast(
        deps.db,
        {
          granularity: request.query.granularity ?? 'day',
          horizon: request.query.horizon ?? 14,
          origins: request.query.origins ?? 8,
          channel: request.query.channel,
          end: date(request.query.end),
        },
        new Date(),
      ),
  );

  app.get(
    '/forecasts/capacity',
    {
      config: readers,
      schema: {
        tags,
        summary:
          "The peak hour's orders/s and a flash sale's attempts/s, as API processes, relay workers, PostgreSQL and Redis",
        querystring: CapacityQuery,
        response: { 200: CapacityPlan },
      },
    },
    async (request) => ({
      ...(await planCapacityFor(
        deps.db,
        new Date(request.query.at),
        new Date(),
        deps.config.databasePoolSize,
      )),
      rates: CAPACITY_RATES,
      assumptions: CAPACITY_ASSUMPTIONS,
    }),
  );
};
