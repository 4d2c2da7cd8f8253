import { type Static, Type } from 'typebox';
import { Currency, DateTime, Money, StringEnum, Uuid } from '../../platform/schemas.js';

/** The fields a rule may require of an order shipped into its region. */
export const REQUIRED_FIELDS = [
  'buyerIdentity',
  'customer.name',
  'customer.phone',
  'address.province',
  'address.district',
  'address.postalCode',
] as const;
export type RequiredField = (typeof REQUIRED_FIELDS)[number];

const Limit = (description: string) => Money({ minimum: 0, description });
const Codes = (description: string) =>
  Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
    maxItems: 1000,
    uniqueItems: true,
    description,
  });

export const RuleConditions = Type.Object(
  {
    requiredFields: Type.Optional(
      Type.Array(StringEnum(REQUIRED_FIELDS), {
        uniqueItems: true,
        description:
          'buyerIdentity: the buyer’s identity document, valid, in the name of the order’s customer (name match)',
      }),
    ),
    currency: Type.Optional(Currency()),
    orderValueLimit: Type.Optional(Limit('Most one order may be worth, in minor units of `currency`')),
    yearlyValueLimit: Type.Optional(
      Limit(
        'Most one person may order in a calendar year (UTC), in minor units of `currency`; the person is the buyer’s identity document when the rule requires it, else the e-mail',
      ),
    ),
    codLimit: Type.Optional(Limit('Most a cash-on-delivery order may be worth; 0: no cash on delivery')),
    restrictedSkus: Type.Optional(Codes('SKUs that may not be shipped into the region')),
    restrictedCategories: Type.Optional(
      Codes('Category ids whose products may not be shipped into the region'),
    ),
  },
  { additionalProperties: false },
);
export type RuleConditions = Static<typeof RuleConditions>;

export const RuleScope = Type.Object(
  {
    country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2 of the destination' }),
    province: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Only this province' })),
    channels: Type.Optional(
      Type.Array(Type.String({ pattern: '^[a-z0-9_-]{1,32}$' }), {
        minItems: 1,
        uniqueItems: true,
        description: 'Only orders of these channels; every channel when absent',
      }),
    ),
  },
  { additionalProperties: false },
);
export type RuleScope = Static<typeof RuleScope>;

export const RuleBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    description: Type.Optional(Type.String({ maxLength: 1000 })),
    active: Type.Optional(Type.Boolean({ default: true })),
    scope: RuleScope,
    conditions: RuleConditions,
  },
  { additionalProperties: false },
);
export type RuleInput = Static<typeof RuleBody>;

export const MarketRule = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.Union([Type.String(), Type.Null()]),
  active: Type.Boolean(),
  scope: RuleScope,
  conditions: RuleConditions,
  createdAt: DateTime(),
  updatedAt: DateTime(),
});
export type MarketRule = Static<typeof MarketRule>;

export const RuleParams = Type.Object({ id: Uuid() }, { additionalProperties: false });

export const ReportQuery = Type.Object(
  { from: Type.Optional(DateTime()), to: Type.Optional(DateTime()) },
  { additionalProperties: false },
);

export const RuleReport = Type.Object({
  from: Type.Union([DateTime(), Type.Null()]),
  to: Type.Union([DateTime(), Type.Null()]),
  rules: Type.Array(
    Type.Object({
      ruleId: Type.String(),
      name: Type.Union([Type.String(), Type.Null()], { description: 'null for a rule deleted since' }),
      accepted: Type.Integer({ description: 'Orders placed that the rule applied to' }),
      refused: Type.Integer({ description: 'Orders the rule refused' }),
      refusedBy: Type.Record(Type.String(), Type.Integer(), { description: 'Refusals by reason' }),
    }),
  ),
});
