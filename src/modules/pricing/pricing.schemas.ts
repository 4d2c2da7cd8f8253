import { type Static, Type } from 'typebox';
import { Currency, DateTime, Money, Uuid } from '../../platform/schemas.js';

const Amount = (description?: string) => Money({ minimum: 0, ...(description ? { description } : {}) });
const Country = () =>
  Type.String({ pattern: '^([A-Z]{2}|\\*)$', description: 'ISO 3166 alpha-2, or * for anywhere' });
const Place = () => Type.String({ minLength: 1, maxLength: 64 });
const Code = (description: string) => Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$', description });
const Percent = () => Type.Integer({ minimum: 1, maximum: 100 });

export const PromotionConditions = Type.Object(
  {
    minSubtotal: Type.Optional(Amount('Goods subtotal (before discounts) at least this')),
    skus: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 200 }),
    ),
    categories: Type.Optional(Type.Array(Uuid(), { minItems: 1, maxItems: 50 })),
    channels: Type.Optional(Type.Array(Code('a channel'), { minItems: 1, maxItems: 20 })),
    customerTags: Type.Optional(Type.Array(Code('a customer tag'), { minItems: 1, maxItems: 20 })),
    firstOrder: Type.Optional(Type.Boolean({ description: "Only the customer's first order (by e-mail)" })),
  },
  { additionalProperties: false },
);

export const PromotionAction = Type.Union([
  Type.Object(
    { type: Type.Literal('percent_off_order'), percent: Percent() },
    { additionalProperties: false },
  ),
  Type.Object(
    { type: Type.Literal('amount_off_order'), amount: Money({ minimum: 1 }) },
    { additionalProperties: false },
  ),
  Type.Object(
    { type: Type.Literal('percent_off_lines'), percent: Percent() },
    { additionalProperties: false, description: 'Off the lines the conditions name (skus, categories)' },
  ),
  Type.Object(
    { type: Type.Literal('amount_off_lines'), amount: Money({ minimum: 1, description: 'Off each unit' }) },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      type: Type.Literal('buy_x_get_y'),
      buy: Type.Integer({ minimum: 1, maximum: 100 }),
      get: Type.Integer({ minimum: 1, maximum: 100 }),
      percent: Type.Optional(Percent()),
    },
    {
      additionalProperties: false,
      description:
        'Of every buy+get units of the named lines, the cheapest `get` are `percent` (default 100) off',
    },
  ),
  Type.Object({ type: Type.Literal('free_shipping') }, { additionalProperties: false }),
]);

export const PromotionBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 120 }),
    code: Type.Optional(
      Code('A coupon code (matched without case); without one the promotion applies by itself'),
    ),
    currency: Currency(),
    active: Type.Optional(Type.Boolean({ default: true })),
    startsAt: Type.Optional(DateTime()),
    endsAt: Type.Optional(DateTime()),
    priority: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, description: 'Higher applies first' })),
    exclusive: Type.Optional(
      Type.Boolean({ description: 'Applies only alone: nothing before it, nothing after it' }),
    ),
    conditions: Type.Optional(PromotionConditions),
    action: PromotionAction,
    usageLimit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000_000 })),
    perCustomerLimit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
  },
  { additionalProperties: false },
);
export type PromotionBody = Static<typeof PromotionBody>;
export type PromotionAction = Static<typeof PromotionAction>;
export type PromotionConditions = Static<typeof PromotionConditions>;

export const Promotion = Type.Object({
  id: Type.String(),
  name: Type.String(),
  code: Type.Union([Type.String(), Type.Null()]),
  currency: Type.String(),
  active: Type.Boolean(),
  startsAt: Type.Union([DateTime(), Type.Null()]),
  endsAt: Type.Union([DateTime(), Type.Null()]),
  priority: Type.Integer(),
  exclusive: Type.Boolean(),
  conditions: PromotionConditions,
  action: PromotionAction,
  usageLimit: Type.Union([Type.Integer(), Type.Null()]),
  perCustomerLimit: Type.Union([Type.Integer(), Type.Null()]),
  used: Type.Integer(),
});
export type Promotion = Static<typeof Promotion>;

export const Region = Type.Object(
  {
    country: Country(),
    province: Type.Optional(Place()),
    city: Type.Optional(Place()),
  },
  { additionalProperties: false },
);
export type Region = Static<typeof Region>;

const Promise_ = {
  minDays: Type.Integer({ minimum: 0, maximum: 365 }),
  maxDays: Type.Integer({ minimum: 0, maximum: 365 }),
};
const Tiers = Type.Array(
  Type.Object(
    {
      upTo: Type.Union([Type.Integer({ minimum: 1 }), Type.Null()], {
        description: 'Up to and including (grams, or minor units of the subtotal); null = no upper bound',
      }),
      price: Amount(),
    },
    { additionalProperties: false },
  ),
  { minItems: 1, maxItems: 50 },
);
const RateBase = {
  carrier: Code('carrier'),
  service: Code('service level, e.g. standard, express'),
  freeFrom: Type.Optional(Amount('Free when the discounted goods subtotal reaches this')),
  ...Promise_,
};
export const ShippingRate = Type.Union([
  Type.Object({ ...RateBase, basis: Type.Literal('flat'), price: Amount() }, { additionalProperties: false }),
  Type.Object(
    { ...RateBase, basis: Type.Literal('item'), first: Amount(), additional: Amount() },
    { additionalProperties: false, description: 'first for the first unit, additional for each further one' },
  ),
  Type.Object({ ...RateBase, basis: Type.Literal('weight'), tiers: Tiers }, { additionalProperties: false }),
  Type.Object({ ...RateBase, basis: Type.Literal('value'), tiers: Tiers }, { additionalProperties: false }),
]);
export type ShippingRate = Static<typeof ShippingRate>;

export const ShippingZoneBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 120 }),
    currency: Type.Optional(Currency()),
    regions: Type.Array(Region, { minItems: 1, maxItems: 500 }),
    rates: Type.Array(ShippingRate, { minItems: 1, maxItems: 50 }),
    cod: Type.Optional(
      Type.Object(
        {
          fee: Amount('Added once per address paid cash on delivery'),
          limit: Type.Optional(Amount('Orders above this grand total cannot be paid cash on delivery')),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
export type ShippingZoneBody = Static<typeof ShippingZoneBody>;
export const ShippingZone = Type.Object({
  id: Type.String(),
  name: Type.String(),
  currency: Type.Union([Type.String(), Type.Null()]),
  regions: Type.Array(Region),
  rates: Type.Array(ShippingRate),
  cod: Type.Union([Type.Object({ fee: Type.Integer(), limit: Type.Optional(Type.Integer()) }), Type.Null()]),
});
export type ShippingZone = Static<typeof ShippingZone>;

export const TaxRateBody = Type.Object(
  {
    country: Type.String({ pattern: '^[A-Z]{2}$' }),
    province: Type.Optional(Place()),
    category: Code('tax category of products, e.g. standard, reduced, food'),
    basisPoints: Type.Integer({ minimum: 0, maximum: 10000, description: '1300 = 13 %' }),
    inclusive: Type.Boolean({ description: 'Catalog prices there include this tax (CN, EU) or not (US)' }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })),
  },
  { additionalProperties: false },
);
export type TaxRateBody = Static<typeof TaxRateBody>;
export const TaxRate = Type.Object({
  id: Type.String(),
  country: Type.String(),
  province: Type.Union([Type.String(), Type.Null()]),
  category: Type.String(),
  basisPoints: Type.Integer(),
  inclusive: Type.Boolean(),
  name: Type.String(),
});
export type TaxRate = Static<typeof TaxRate>;

export const IdParams = Type.Object({ id: Uuid() });
export const TAX_CATEGORY_PATTERN = '^[A-Za-z0-9_-]{1,32}$';

/** What an order keeps of its pricing (orders.pricing), and shows. */
export const OrderPricing = Type.Object({
  promotions: Type.Array(
    Type.Object({
      id: Type.String(),
      name: Type.String(),
      code: Type.Union([Type.String(), Type.Null()]),
      discount: Type.Integer(),
      freeShipping: Type.Boolean(),
    }),
  ),
  taxLines: Type.Array(
    Type.Object({
      name: Type.String(),
      country: Type.String(),
      province: Type.Union([Type.String(), Type.Null()]),
      category: Type.String(),
      basisPoints: Type.Integer(),
      inclusive: Type.Boolean(),
      taxable: Type.Integer(),
      amount: Type.Integer(),
    }),
  ),
  shipments: Type.Array(
    Type.Object({
      address: Type.String(),
      carrier: Type.String(),
      service: Type.String(),
      price: Type.Integer(),
      minDays: Type.Integer(),
      maxDays: Type.Integer(),
    }),
  ),
  codFee: Type.Integer(),
});
export type OrderPricing = Static<typeof OrderPricing>;

export const ShippingOptionSchema = Type.Object({
  id: Type.String({ description: 'carrier:service, as a checkout chooses it' }),
  carrier: Type.String(),
  service: Type.String(),
  price: Type.Integer(),
  minDays: Type.Integer(),
  maxDays: Type.Integer(),
});
export const CouponCodes = Type.Array(Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$' }), {
  maxItems: 5,
  description: 'Coupon codes; one that does not apply refuses the checkout, saying why',
});
export const ShippingChoice = Type.Record(
  Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$' }),
  Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}:[A-Za-z0-9_-]{1,32}$' }),
  { maxProperties: 10, description: 'carrier:service per address key; the cheapest when not given' },
);
