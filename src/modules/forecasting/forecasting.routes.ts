import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Db } from '../../platform/db/database.js';
import { Backtest, BacktestQuery, ForecastPoint, ForecastQuery } from './forecasting.schemas.js';
import { backtestOrderForecast, forecastOrderVolume } from './forecasting.service.js';

const date = (s: string | undefined) => (s === undefined ? undefined : new Date(s));

export interface ForecastingDeps {
  db: Db;
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
};
