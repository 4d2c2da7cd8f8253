import { type Static, Type } from 'typebox';
import { DateTime, StringEnum } from '../../platform/schemas.js';
import { GRANULARITIES } from './calendar.js';

const Granularity = StringEnum(GRANULARITIES, { default: 'day', description: 'UTC days or UTC hours' });
const Channel = Type.String({
  pattern: '^[a-z0-9_-]{1,32}$',
  description: 'Only orders of this sales channel',
});

export const ForecastQuery = Type.Object(
  {
    granularity: Type.Optional(Granularity),
    horizon: Type.Integer({
      minimum: 1,
      maximum: 10_000,
      description: 'Buckets to forecast; at most half the history, 92 days or 672 hours',
    }),
    channel: Type.Optional(Channel),
    start: Type.Optional(
      Type.String({
        format: 'date-time',
        description: 'First bucket to forecast (floored to it); default the current one',
      }),
    ),
  },
  { additionalProperties: false },
);
export type ForecastQuery = Static<typeof ForecastQuery>;

const Count = Type.Number({ minimum: 0 });

export const ForecastPoint = Type.Object({
  start: DateTime(),
  expected: Count,
  lower80: Count,
  upper80: Count,
  lower95: Count,
  upper95: Count,
  closed: Type.Boolean({ description: 'The history shows no trading at this time' }),
  campaignUplift: Type.Number({ minimum: 0, description: 'Orders scheduled flash sales add (included)' }),
});

export const BacktestQuery = Type.Object(
  {
    granularity: Type.Optional(Granularity),
    horizon: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 14 })),
    origins: Type.Optional(Type.Integer({ minimum: 1, maximum: 52, default: 8 })),
    channel: Type.Optional(Channel),
    end: Type.Optional(
      Type.String({ format: 'date-time', description: 'Where the evaluated history ends; default now' }),
    ),
  },
  { additionalProperties: false },
);
export type BacktestQuery = Static<typeof BacktestQuery>;

const Mase = Type.Object({ model: Type.Number(), seasonalNaive: Type.Number(), naive: Type.Number() });

export const Backtest = Type.Object({
  granularity: Granularity,
  horizon: Type.Integer(),
  mase: Mase,
  relativeToSeasonalNaive: Type.Number({ description: "model MASE ÷ seasonal naive's" }),
  coverage: Type.Object({ p80: Type.Number(), p95: Type.Number() }),
  origins: Type.Array(
    Type.Object({
      origin: DateTime(),
      mase: Mase,
      scored: Type.Integer({
        description: 'Buckets scored for coverage (those not forecast closed, or with orders)',
      }),
      within80: Type.Integer(),
      within95: Type.Integer(),
    }),
  ),
});

export const CapacityQuery = Type.Object(
  {
    at: Type.String({
      format: 'date-time',
      description: 'A time on the UTC day to plan for; a past day is planned from the history before it',
    }),
  },
  { additionalProperties: false },
);

const Measured = Type.Object({
  value: Type.Number(),
  unit: Type.String(),
  measuredBy: Type.String({ description: 'The command that measured it' }),
  measuredOn: Type.String(),
  note: Type.String(),
});

export const CapacityPlan = Type.Object({
  day: Type.String({ format: 'date' }),
  peakHour: Type.Object({ start: Type.String({ format: 'date-time' }), expected: Count, upper95: Count }),
  ordersPerSecond: Type.Object({ meanOfPeakHour: Type.Number(), busiestSecond: Type.Number() }),
  flashSale: Type.Object({
    sales: Type.Array(
      Type.Object({ id: Type.String(), name: Type.String(), startsAt: Type.String(), units: Type.Integer() }),
    ),
    attemptsPerSecond: Type.Number(),
    ordersPerSecond: Type.Number(),
  }),
  needs: Type.Object({
    apiProcesses: Type.Integer(),
    relayWorkers: Type.Integer(),
    postgresCores: Type.Integer(),
    postgresNodes: Type.Integer(),
    postgresConnections: Type.Integer(),
    redisNodes: Type.Integer(),
  }),
  arithmetic: Type.Array(Type.String()),
  rates: Type.Record(Type.String(), Measured),
  assumptions: Type.Record(Type.String(), Type.Number()),
});
