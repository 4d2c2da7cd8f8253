import { type Static, Type } from 'typebox';
import { Currency, DateTime, StringEnum } from '../../platform/schemas.js';
import { LEAD_TIME_DIMENSIONS, RETURN_DIMENSIONS, SALES_DIMENSIONS } from './analytics.repository.js';
import { GRANULARITIES } from './analytics-range.js';

const RangeFields = {
  from: Type.String({ format: 'date-time', description: 'Start (widened down to the whole UTC hour)' }),
  to: Type.String({ format: 'date-time', description: 'End, exclusive (widened up to the whole UTC hour)' }),
};
const Tz = Type.String({
  maxLength: 64,
  default: 'UTC',
  description: 'IANA time zone the buckets are cut in (Asia/Shanghai)',
});

export const SalesQuery = Type.Object(
  {
    ...RangeFields,
    granularity: Type.Optional(StringEnum(GRANULARITIES, { default: 'day' })),
    tz: Type.Optional(Tz),
    by: Type.Optional(StringEnum(SALES_DIMENSIONS, { description: 'Split each currency by this too' })),
    limit: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 200,
        default: 20,
        description:
          'With `by`: the (currency, value) series with the most orders in the range (then units, then by code point) kept apart, at most this many; the rest are summed in one series per currency (key "other", other: true). An answer has at most limit + currencies series: a year by SKU by day is ~8,000 points at the default, not one series per SKU sold',
      }),
    ),
  },
  { additionalProperties: false },
);
export type SalesQuery = Static<typeof SalesQuery>;

export const ReportQuery = Type.Object(RangeFields, { additionalProperties: false });
export type ReportQuery = Static<typeof ReportQuery>;

export const LeadTimeQuery = Type.Object(
  {
    ...RangeFields,
    by: Type.Optional(StringEnum(LEAD_TIME_DIMENSIONS, { default: 'all' })),
  },
  { additionalProperties: false },
);
export type LeadTimeQuery = Static<typeof LeadTimeQuery>;

const Ratio = Type.Union([Type.Number(), Type.Null()], { description: 'null when the base is zero' });

const FigureFields = {
  orders: Type.Integer(),
  gmv: Type.Integer({ description: 'Minor units of the currency' }),
  units: Type.Integer(),
  aov: Type.Union([Type.Integer(), Type.Null()], {
    description: 'GMV ÷ orders, rounded; null without orders',
  }),
};
const Figures = Type.Object(FigureFields);
export type Figures = Static<typeof Figures>;

const Period = Type.Object({ from: DateTime(), to: DateTime() });

export const SalesReport = Type.Object({
  from: DateTime(),
  to: DateTime(),
  tz: Type.String(),
  granularity: StringEnum(GRANULARITIES),
  by: Type.Union([StringEnum(SALES_DIMENSIONS), Type.Null()]),
  limit: Type.Union([Type.Integer(), Type.Null()], {
    description: 'The series kept apart at most (null without `by`)',
  }),
  previous: Period,
  series: Type.Array(
    Type.Object({
      currency: Currency(),
      key: Type.String({ description: 'The dimension value, "all", or "other"' }),
      other: Type.Boolean({
        description:
          "The currency's series past `limit`, summed; a value sold in the previous period only is summed here once the range's series fill the limit (by category or SKU an order counts once per value summed, as in each series)",
      }),
      buckets: Type.Array(Type.Object({ start: DateTime(), ...FigureFields })),
      total: Figures,
      previousTotal: Figures,
      change: Type.Object({ orders: Ratio, gmv: Ratio, units: Ratio, aov: Ratio }),
    }),
  ),
});
export type SalesReport = Static<typeof SalesReport>;

export const FunnelReport = Type.Object({
  from: DateTime(),
  to: DateTime(),
  stages: Type.Array(
    Type.Object({
      stage: Type.String({
        description:
          'carts_created and checkouts_started count what happened in the range; the others the orders placed in it',
      }),
      orders: Type.Integer(),
      ofPrevious: Ratio,
    }),
  ),
  checkouts: Type.Object({
    checkedOut: Type.Integer({ description: 'Carts turned into orders in the range' }),
    refused: Type.Array(
      Type.Object({ reason: Type.String({ description: 'The problem code' }), carts: Type.Integer() }),
    ),
  }),
  lost: Type.Object({
    unpaidTimeouts: Type.Integer(),
    cancellations: Type.Array(Type.Object({ reason: Type.String(), orders: Type.Integer() })),
  }),
});

const PercentileFields = {
  orders: Type.Integer(),
  p50Seconds: Type.Number(),
  p90Seconds: Type.Number(),
};
const Percentiles = Type.Object(PercentileFields);

export const LeadTimeReport = Type.Object({
  from: DateTime(),
  to: DateTime(),
  by: StringEnum(LEAD_TIME_DIMENSIONS),
  method: Type.String(),
  relativeError: Type.Number(),
  stages: Type.Array(
    Type.Object({
      stage: Type.String(),
      overall: Type.Union([Percentiles, Type.Null()]),
      values: Type.Array(Type.Object({ value: Type.String(), ...PercentileFields })),
      bottlenecks: Type.Array(
        Type.String({ description: 'Values whose p90 is at least 1.5 × the p90 of all the others' }),
      ),
    }),
  ),
});

export const PaymentReport = Type.Object({
  from: DateTime(),
  to: DateTime(),
  providers: Type.Array(
    Type.Object({
      provider: Type.String(),
      attempts: Type.Integer(),
      succeeded: Type.Integer(),
      failed: Type.Integer(),
      successRate: Ratio,
      timeToPay: Type.Union([Percentiles, Type.Null()]),
    }),
  ),
});

export const ReturnQuery = Type.Object(
  { ...RangeFields, by: Type.Optional(StringEnum(RETURN_DIMENSIONS, { default: 'all' })) },
  { additionalProperties: false },
);
export type ReturnQuery = Static<typeof ReturnQuery>;

export const ReturnReport = Type.Object({
  from: DateTime(),
  to: DateTime(),
  by: StringEnum(RETURN_DIMENSIONS),
  rows: Type.Array(
    Type.Object({
      key: Type.String({ description: 'The SKU, category or reason; "all"' }),
      unitsSold: Type.Integer({ description: 'Of the orders placed in the range (by reason: all units)' }),
      returns: Type.Integer({ description: 'Returns requested and not rejected' }),
      unitsReturned: Type.Integer(),
      refunded: Type.Integer({ description: 'Returns refunded' }),
      returnRate: Type.Union([Type.Number(), Type.Null()], { description: 'unitsReturned ÷ unitsSold' }),
    }),
  ),
});

export const StockQuery = Type.Object(
  {
    days: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 366, default: 28, description: 'Window, whole UTC days' }),
    ),
    to: Type.Optional(
      Type.String({ format: 'date-time', description: 'The window ends with this UTC day (default today)' }),
    ),
    restockDays: Type.Optional(Type.Integer({ minimum: 0, maximum: 366, default: 14 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  },
  { additionalProperties: false },
);
export type StockQuery = Static<typeof StockQuery>;

export const StockReport = Type.Object({
  from: DateTime(),
  to: DateTime(),
  days: Type.Integer(),
  restockDays: Type.Integer(),
  skus: Type.Array(
    Type.Object({
      sku: Type.String(),
      unitsSold: Type.Integer(),
      unitsPerDay: Type.Number(),
      sellable: Type.Integer({ description: 'Now, across active warehouses' }),
      daysOfCover: Type.Union([Type.Number(), Type.Null()], {
        description: 'sellable ÷ unitsPerDay; null when none sold',
      }),
      runsOutBeforeRestock: Type.Boolean({ description: 'daysOfCover < restockDays' }),
      stockouts: Type.Object({ refusedPlacements: Type.Integer(), unitsShort: Type.Integer() }),
      warehouses: Type.Array(
        Type.Object({
          warehouse: Type.String({ description: 'Warehouse code' }),
          unitsSold: Type.Integer({
            description:
              'Reserved from this warehouse (without a reservation: shipped from it); units of no warehouse (imported history) count for the SKU only',
          }),
          unitsPerDay: Type.Number(),
          onHand: Type.Integer(),
          sellable: Type.Integer({ description: 'Now; 0 in an inactive warehouse' }),
          daysOfCover: Type.Union([Type.Number(), Type.Null()], {
            description: 'sellable ÷ unitsPerDay here; null when none sold here',
          }),
          runsOutBeforeRestock: Type.Boolean(),
        }),
        { description: 'Per warehouse that sold the SKU in the window or stocks it, shortest cover first' },
      ),
    }),
  ),
});

export const StockoutReport = Type.Object({
  from: DateTime(),
  to: DateTime(),
  days: Type.Array(
    Type.Object({
      day: DateTime(),
      sku: Type.String(),
      refusedPlacements: Type.Integer({
        description: 'Placements and checkouts refused with 409 insufficient_stock',
      }),
      unitsShort: Type.Integer(),
    }),
  ),
});
