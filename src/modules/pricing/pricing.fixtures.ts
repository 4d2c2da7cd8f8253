import type { PricingAddress, PricingRules } from './price-order.js';
import type { PromotionBody, ShippingZoneBody, TaxRateBody } from './pricing.schemas.js';

/**
 * The rules behind the pricing table (price-order.unit.test.ts), as one would enter them through the
 * API: zones in Shanghai, the rest of China, the US, Germany and a catch-all; inclusive tax in CN and
 * DE, exclusive in two US states; coupons and automatic promotions of every kind.
 */
export const BOOKS = '0193a000-0000-7000-8000-0000000b0045';

export const FIXTURE_ZONES: ShippingZoneBody[] = [
  {
    name: 'Everywhere else',
    regions: [{ country: '*' }],
    rates: [
      {
        carrier: 'post',
        service: 'standard',
        basis: 'flat',
        price: 1000,
        freeFrom: 9900,
        minDays: 3,
        maxDays: 7,
      },
    ],
    cod: { fee: 0 },
  },
  {
    name: 'Shanghai',
    currency: 'CNY',
    regions: [{ country: 'CN', province: 'Shanghai' }],
    rates: [
      { carrier: 'sf', service: 'express', basis: 'flat', price: 1500, minDays: 1, maxDays: 2 },
      {
        carrier: 'yto',
        service: 'standard',
        basis: 'item',
        first: 800,
        additional: 200,
        freeFrom: 9900,
        minDays: 2,
        maxDays: 4,
      },
    ],
    cod: { fee: 300, limit: 50000 },
  },
  {
    name: 'Mainland China',
    currency: 'CNY',
    regions: [{ country: 'CN' }],
    rates: [
      {
        carrier: 'yto',
        service: 'standard',
        basis: 'weight',
        tiers: [
          { upTo: 1000, price: 1000 },
          { upTo: 5000, price: 1800 },
          { upTo: null, price: 3000 },
        ],
        freeFrom: 19900,
        minDays: 3,
        maxDays: 6,
      },
    ],
    cod: { fee: 500 },
  },
  {
    name: 'United States',
    currency: 'USD',
    regions: [{ country: 'US' }],
    rates: [
      {
        carrier: 'ups',
        service: 'ground',
        basis: 'value',
        tiers: [
          { upTo: 5000, price: 799 },
          { upTo: null, price: 0 },
        ],
        minDays: 3,
        maxDays: 7,
      },
      { carrier: 'ups', service: 'air', basis: 'flat', price: 2500, minDays: 1, maxDays: 2 },
    ],
  },
  {
    name: 'Germany',
    currency: 'EUR',
    regions: [{ country: 'DE' }],
    rates: [
      {
        carrier: 'dhl',
        service: 'standard',
        basis: 'flat',
        price: 490,
        freeFrom: 5000,
        minDays: 2,
        maxDays: 3,
      },
    ],
  },
];

export const FIXTURE_TAX_RATES: TaxRateBody[] = [
  { country: 'CN', category: 'standard', basisPoints: 1300, inclusive: true, name: 'CN VAT' },
  { country: 'CN', category: 'food', basisPoints: 900, inclusive: true, name: 'CN VAT food' },
  { country: 'DE', category: 'standard', basisPoints: 1900, inclusive: true, name: 'DE MwSt' },
  { country: 'DE', category: 'reduced', basisPoints: 700, inclusive: true, name: 'DE MwSt ermäßigt' },
  {
    country: 'US',
    province: 'CA',
    category: 'standard',
    basisPoints: 725,
    inclusive: false,
    name: 'CA sales tax',
  },
  {
    country: 'US',
    province: 'NY',
    category: 'standard',
    basisPoints: 400,
    inclusive: false,
    name: 'NY sales tax',
  },
];

export const FIXTURE_PROMOTIONS: PromotionBody[] = [
  {
    name: 'Auto 10%',
    currency: 'CNY',
    priority: 10,
    conditions: { minSubtotal: 20000 },
    action: { type: 'percent_off_order', percent: 10 },
  },
  {
    name: 'Save 20',
    code: 'SAVE20',
    currency: 'CNY',
    priority: 20,
    conditions: { minSubtotal: 10000 },
    action: { type: 'amount_off_order', amount: 2000 },
  },
  {
    name: 'Tea 15%',
    code: 'TEA15',
    currency: 'CNY',
    priority: 5,
    conditions: { skus: ['TEA'] },
    action: { type: 'percent_off_lines', percent: 15 },
  },
  {
    name: 'Mugs 3 for 2',
    currency: 'CNY',
    priority: 30,
    conditions: { skus: ['MUG'] },
    action: { type: 'buy_x_get_y', buy: 2, get: 1 },
  },
  { name: 'Free shipping', code: 'FREESHIP', currency: 'CNY', action: { type: 'free_shipping' } },
  {
    name: 'VIP half',
    code: 'VIP50',
    currency: 'CNY',
    priority: 100,
    exclusive: true,
    perCustomerLimit: 1,
    action: { type: 'percent_off_order', percent: 50 },
  },
  {
    name: 'Old',
    code: 'OLD',
    currency: 'CNY',
    endsAt: '2026-01-01T00:00:00Z',
    action: { type: 'amount_off_order', amount: 1000 },
  },
  {
    name: 'Soon',
    code: 'SOON',
    currency: 'CNY',
    startsAt: '2027-01-01T00:00:00Z',
    action: { type: 'amount_off_order', amount: 1000 },
  },
  {
    name: 'App only',
    code: 'APPONLY',
    currency: 'CNY',
    conditions: { channels: ['app'] },
    action: { type: 'amount_off_order', amount: 600 },
  },
  {
    name: 'Gone',
    code: 'GONE',
    currency: 'CNY',
    usageLimit: 10,
    action: { type: 'amount_off_order', amount: 700 },
  },
  {
    name: 'Welcome',
    code: 'WELCOME',
    currency: 'CNY',
    conditions: { firstOrder: true },
    action: { type: 'amount_off_order', amount: 500 },
  },
  {
    name: 'Staff',
    code: 'STAFF',
    currency: 'CNY',
    conditions: { customerTags: ['staff'] },
    action: { type: 'percent_off_order', percent: 30 },
  },
  {
    name: 'Caps 5 off',
    code: 'USD5',
    currency: 'USD',
    conditions: { skus: ['CAP'] },
    action: { type: 'amount_off_lines', amount: 500 },
  },
  {
    name: 'Books 10%',
    currency: 'EUR',
    conditions: { categories: [BOOKS] },
    action: { type: 'percent_off_lines', percent: 10 },
  },
];

/** SKU → price, currency, tax category, grams, category. */
export const FIXTURE_SKUS = {
  TEA: { price: 4800, currency: 'CNY', taxCategory: 'food', grams: 500 },
  RICE: { price: 2000, currency: 'CNY', taxCategory: 'food', grams: 5000 },
  MUG: { price: 1500, currency: 'CNY', taxCategory: 'standard', grams: 400 },
  POT: { price: 12800, currency: 'CNY', taxCategory: 'standard', grams: 1500 },
  CAP: { price: 2000, currency: 'USD', taxCategory: 'standard', grams: 200 },
  SHIRT: { price: 3500, currency: 'USD', taxCategory: 'standard', grams: 300 },
  BOOK: { price: 1999, currency: 'EUR', taxCategory: 'reduced', grams: 600, category: BOOKS },
  LAMP: { price: 8900, currency: 'EUR', taxCategory: 'standard', grams: 2000 },
} as const;
export type FixtureSku = keyof typeof FIXTURE_SKUS;

export const FIXTURE_ADDRESSES = {
  SH: { country: 'CN', province: 'Shanghai', city: 'Shanghai' },
  HZ: { country: 'CN', province: 'Zhejiang', city: 'Hangzhou' },
  CA: { country: 'US', province: 'CA', city: 'Los Angeles' },
  NY: { country: 'US', province: 'NY', city: 'New York' },
  OR: { country: 'US', province: 'OR', city: 'Portland' },
  DE: { country: 'DE', city: 'Berlin' },
  FR: { country: 'FR', city: 'Paris' },
} satisfies Record<string, PricingAddress>;
export type FixtureAddress = keyof typeof FIXTURE_ADDRESSES;

/** The fixture rules as the pricing function takes them (ids made up; GONE already used up). */
export function fixtureRules(): PricingRules {
  const id = (i: number) => `0193a000-0000-7000-8000-${String(i).padStart(12, '0')}`;
  return {
    promotions: FIXTURE_PROMOTIONS.map((p, i) => ({
      id: id(100 + i),
      name: p.name,
      code: p.code ?? null,
      currency: p.currency,
      active: p.active ?? true,
      startsAt: p.startsAt ?? null,
      endsAt: p.endsAt ?? null,
      priority: p.priority ?? 0,
      exclusive: p.exclusive ?? false,
      conditions: p.conditions ?? {},
      action: p.action,
      usageLimit: p.usageLimit ?? null,
      perCustomerLimit: p.perCustomerLimit ?? null,
      used: p.code === 'GONE' ? 10 : 0,
    })),
    zones: FIXTURE_ZONES.map((z, i) => ({
      id: id(200 + i),
      name: z.name,
      currency: z.currency ?? null,
      regions: z.regions,
      rates: z.rates,
      cod: z.cod ?? null,
    })),
    taxRates: FIXTURE_TAX_RATES.map((t, i) => ({
      id: id(300 + i),
      country: t.country,
      province: t.province ?? null,
      category: t.category,
      basisPoints: t.basisPoints,
      inclusive: t.inclusive,
      name: t.name ?? `${t.country} ${t.category}`,
    })),
  };
}
