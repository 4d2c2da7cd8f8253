import { FIXTURE_ADDRESSES, FIXTURE_SKUS, type FixtureAddress, type FixtureSku } from './pricing.fixtures.js';
import type { PricingInput } from './pricing.types.js';

/**
 * The pricing table: carts and the totals worked out by hand (the arithmetic beside each). Tax is
 * per line, half up: inclusive = amount × r ÷ (1 + r), exclusive = amount × r. Shanghai yto is 800
 * + 200 per further unit, free from 99.00; the rest of China by weight, free from 199.00.
 */
export interface Case {
  name: string;
  lines: Array<[FixtureSku, number, FixtureAddress?]>;
  to?: FixtureAddress;
  coupons?: string[];
  channel?: string;
  customer?: PricingInput['customer'];
  shipping?: Record<string, string>;
  cod?: boolean;
  /** subtotal, discount, shipping, tax, grandTotal */
  expect: [number, number, number, number, number];
  coupon?: string | null;
  problem?: string;
  codFee?: number;
  /** A partial refund worked by hand: line index, units, amount given back, tax reversed. */
  refund?: [number, number, number, number];
}

export const CASES: Case[] = [
  {
    name: 'tea to Shanghai: yto 800, food VAT 4800×9/109=396',
    lines: [['TEA', 1]],
    expect: [4800, 0, 800, 396, 5600],
  },
  {
    name: 'two mugs: yto 800+200, VAT 3000×13/113=345',
    lines: [['MUG', 2]],
    expect: [3000, 0, 1000, 345, 4000],
  },
  {
    name: 'three mugs: 3 for 2 takes 1500; yto 1200',
    lines: [['MUG', 3]],
    expect: [4500, 1500, 1200, 345, 4200],
    refund: [0, 1, 1000, 115], // one mug: (4500 − 1500) ÷ 3, VAT 345 ÷ 3
  },
  {
    name: 'six mugs: two free; yto 1800 > sf 1500, express it is',
    lines: [['MUG', 6]],
    expect: [9000, 3000, 1500, 690, 7500],
  },
  {
    name: 'five mugs: one free, two left over; sf 1500 < yto 1600',
    lines: [['MUG', 5]],
    expect: [7500, 1500, 1500, 690, 7500],
  },
  {
    name: 'a pot: free yto from 99.00; VAT 1472.6→1473',
    lines: [['POT', 1]],
    expect: [12800, 0, 0, 1473, 12800],
  },
  { name: 'two pots: automatic 10% from 200.00', lines: [['POT', 2]], expect: [25600, 2560, 0, 2651, 23040] },
  {
    name: 'SAVE20 on a pot: 10800, VAT 1242',
    lines: [['POT', 1]],
    coupons: ['SAVE20'],
    expect: [12800, 2000, 0, 1242, 10800],
    coupon: null,
  },
  {
    name: 'SAVE20 split 1455/545 over pot and tea',
    lines: [
      ['POT', 1],
      ['TEA', 1],
    ],
    coupons: ['SAVE20'],
    expect: [17600, 2000, 0, 1305 + 351, 15600],
    refund: [1, 1, 4255, 351], // the tea: 4800 − its 545, its own VAT
  },
  {
    name: 'SAVE20 (priority 20) then 10% of the 23600 left',
    lines: [['POT', 2]],
    coupons: ['SAVE20'],
    expect: [25600, 4360, 0, 2444, 21240],
  },
  {
    name: 'TEA15 on two teas: 1440 off, food VAT 674',
    lines: [['TEA', 2]],
    coupons: ['TEA15'],
    expect: [9600, 1440, 1000, 674, 9160],
  },
  {
    name: 'TEA15 on tea beside a mug: 337 + 173',
    lines: [
      ['TEA', 1],
      ['MUG', 1],
    ],
    coupons: ['TEA15'],
    expect: [6300, 720, 1000, 510, 6580],
  },
  {
    name: 'TEA15 without tea',
    lines: [['MUG', 1]],
    coupons: ['TEA15'],
    expect: [1500, 0, 800, 173, 2300],
    coupon: 'no_matching_items',
  },
  {
    name: 'FREESHIP',
    lines: [['TEA', 1]],
    coupons: ['FREESHIP'],
    expect: [4800, 0, 0, 396, 4800],
    coupon: null,
  },
  {
    name: 'expired coupon',
    lines: [['TEA', 1]],
    coupons: ['OLD'],
    expect: [4800, 0, 800, 396, 5600],
    coupon: 'expired',
  },
  {
    name: 'coupon not started',
    lines: [['TEA', 1]],
    coupons: ['SOON'],
    expect: [4800, 0, 800, 396, 5600],
    coupon: 'not_started',
  },
  {
    name: 'app coupon on the web',
    lines: [['TEA', 1]],
    coupons: ['APPONLY'],
    expect: [4800, 0, 800, 396, 5600],
    coupon: 'not_for_channel',
  },
  {
    name: 'app coupon in the app: 4200, VAT 347',
    lines: [['TEA', 1]],
    coupons: ['APPONLY'],
    channel: 'app',
    expect: [4800, 600, 800, 347, 5000],
    coupon: null,
  },
  {
    name: 'used-up coupon',
    lines: [['TEA', 1]],
    coupons: ['GONE'],
    expect: [4800, 0, 800, 396, 5600],
    coupon: 'used_up',
  },
  {
    name: 'first order coupon: 4300, VAT 355',
    lines: [['TEA', 1]],
    coupons: ['WELCOME'],
    customer: { firstOrder: true },
    expect: [4800, 500, 800, 355, 5100],
    coupon: null,
  },
  {
    name: 'first order coupon on a second order',
    lines: [['TEA', 1]],
    coupons: ['WELCOME'],
    customer: { firstOrder: false },
    expect: [4800, 0, 800, 396, 5600],
    coupon: 'first_order_only',
  },
  {
    name: 'SAVE20 under its minimum',
    lines: [['MUG', 1]],
    coupons: ['SAVE20'],
    expect: [1500, 0, 800, 173, 2300],
    coupon: 'minimum_not_met',
  },
  {
    name: 'VIP50 exclusive: automatic 10% does not stack',
    lines: [['POT', 2]],
    coupons: ['VIP50'],
    expect: [25600, 12800, 0, 1473, 12800],
    coupon: null,
  },
  {
    name: 'VIP50 beats SAVE20',
    lines: [['POT', 2]],
    coupons: ['SAVE20', 'VIP50'],
    expect: [25600, 12800, 0, 1473, 12800],
    coupon: 'not_combinable',
  },
  {
    name: 'staff 30%: 8960 under 99.00, yto 800, VAT 1031',
    lines: [['POT', 1]],
    coupons: ['STAFF'],
    customer: { tags: ['staff'] },
    expect: [12800, 3840, 800, 1031, 9760],
    coupon: null,
  },
  {
    name: 'staff coupon without the tag',
    lines: [['POT', 1]],
    coupons: ['STAFF'],
    expect: [12800, 0, 0, 1473, 12800],
    coupon: 'not_for_customer',
  },
  {
    name: 'chosen express',
    lines: [['TEA', 1]],
    shipping: { a: 'sf:express' },
    expect: [4800, 0, 1500, 396, 6300],
  },
  {
    name: 'a service not offered',
    lines: [['TEA', 1]],
    shipping: { a: 'dhl:x' },
    expect: [4800, 0, 0, 396, 4800],
    problem: 'shipping.a',
  },
  {
    name: 'Hangzhou by weight: 500 g → 1000',
    lines: [['TEA', 1]],
    to: 'HZ',
    expect: [4800, 0, 1000, 396, 5800],
  },
  {
    name: 'Hangzhou two pots: 10% off, 23040 ≥ 199.00 free',
    lines: [['POT', 2]],
    to: 'HZ',
    expect: [25600, 2560, 0, 2651, 23040],
  },
  {
    name: 'Hangzhou pot and 3 mugs: 2700 g → 1800',
    lines: [
      ['POT', 1],
      ['MUG', 3],
    ],
    to: 'HZ',
    expect: [17300, 1500, 1800, 1473 + 345, 17600],
  },
  {
    name: 'Hangzhou 10 kg of rice → 3000; food VAT 330',
    lines: [['RICE', 2]],
    to: 'HZ',
    expect: [4000, 0, 3000, 330, 7000],
  },
  {
    name: 'cash on delivery in Shanghai: fee 300',
    lines: [['TEA', 1]],
    cod: true,
    expect: [4800, 0, 800, 396, 5900],
    codFee: 300,
  },
  {
    name: 'cash on delivery above the 500.00 limit',
    lines: [['POT', 5]],
    cod: true,
    expect: [64000, 6400, 0, 6627, 57600],
    problem: 'paymentMethod',
  },
  {
    name: 'two addresses: Shanghai 800, Hangzhou 1000',
    lines: [
      ['TEA', 1, 'SH'],
      ['MUG', 1, 'HZ'],
    ],
    expect: [6300, 0, 1800, 396 + 173, 8100],
  },
  {
    name: 'two addresses: each zone its own threshold',
    lines: [
      ['POT', 1, 'SH'],
      ['MUG', 1, 'HZ'],
    ],
    expect: [14300, 0, 1000, 1473 + 173, 15300],
  },
  {
    name: 'California: exclusive 7.25% on 4000 = 290, ground 799',
    lines: [['CAP', 2]],
    to: 'CA',
    expect: [4000, 0, 799, 290, 5089],
    refund: [0, 1, 2145, 145], // one cap: 2000 + 290 ÷ 2 added
  },
  {
    name: 'New York: 4% on 7000, ground free above 50.00',
    lines: [['SHIRT', 2]],
    to: 'NY',
    expect: [7000, 0, 0, 280, 7280],
  },
  { name: 'Oregon: no sales tax', lines: [['CAP', 1]], to: 'OR', expect: [2000, 0, 799, 0, 2799] },
  {
    name: 'USD5 per cap: 3000, tax 217.5→218',
    lines: [['CAP', 2]],
    to: 'CA',
    coupons: ['USD5'],
    expect: [4000, 1000, 799, 218, 4017],
    refund: [0, 1, 1609, 109], // one cap: 3000 ÷ 2 + 218 ÷ 2 added
  },
  {
    name: 'USD5 beside a shirt: tax 254 + 109',
    lines: [
      ['SHIRT', 1],
      ['CAP', 1],
    ],
    to: 'CA',
    coupons: ['usd5'],
    expect: [5500, 500, 799, 363, 6162],
    refund: [1, 1, 1609, 109], // the cap: 2000 − 500 + its 109 added
  },
  {
    name: 'California and New York parcels',
    lines: [
      ['CAP', 1, 'CA'],
      ['SHIRT', 1, 'NY'],
    ],
    expect: [5500, 0, 1598, 145 + 140, 7383],
  },
  {
    name: 'Germany: books 10% (399.8→400), 7% inclusive 235',
    lines: [['BOOK', 2]],
    to: 'DE',
    expect: [3998, 400, 490, 235, 4088],
  },
  {
    name: 'Germany: lamp and book, free from 50.00',
    lines: [
      ['LAMP', 1],
      ['BOOK', 1],
    ],
    to: 'DE',
    expect: [10899, 200, 0, 1421 + 118, 10699],
  },
  {
    name: 'France: the catch-all zone, untaxed',
    lines: [['LAMP', 1]],
    to: 'FR',
    expect: [8900, 0, 1000, 0, 9900],
  },
  {
    name: 'France, two addresses: 10699 ≥ 99.00 ships free',
    lines: [
      ['LAMP', 1, 'FR'],
      ['BOOK', 1, 'DE'],
    ],
    expect: [10899, 200, 0, 118, 10699],
  },
  {
    name: 'unknown coupon',
    lines: [['TEA', 1]],
    coupons: ['NOPE'],
    expect: [4800, 0, 800, 396, 5600],
    coupon: 'unknown',
  },
  {
    name: 'a CNY coupon on a EUR cart',
    lines: [['LAMP', 1]],
    to: 'DE',
    coupons: ['SAVE20'],
    expect: [8900, 0, 0, 1421, 8900],
    coupon: 'wrong_currency',
  },
  {
    name: 'cash on delivery in the US is not offered',
    lines: [['CAP', 1]],
    to: 'OR',
    cod: true,
    expect: [2000, 0, 799, 0, 2799],
    problem: 'paymentMethod',
  },
  {
    name: 'VIP50 used once by this customer: 10% instead',
    lines: [['POT', 2]],
    coupons: ['VIP50'],
    customer: { uses: { '0193a000-0000-7000-8000-000000000105': 1 } },
    expect: [25600, 2560, 0, 2651, 23040],
    coupon: 'customer_limit',
  },
  {
    name: 'coupon codes match without case',
    lines: [['POT', 1]],
    coupons: ['save20'],
    expect: [12800, 2000, 0, 1242, 10800],
    coupon: null,
  },
];

/** The input for a case; exported for the HTTP version of the table. */
export function caseInput(c: Case): PricingInput {
  const keyOf = (l: Case['lines'][number]) => (l[2] ? l[2].toLowerCase() : 'a');
  const addresses: Record<string, (typeof FIXTURE_ADDRESSES)[FixtureAddress]> = {};
  for (const l of c.lines) addresses[keyOf(l)] = FIXTURE_ADDRESSES[l[2] ?? c.to ?? 'SH'];
  const currency = FIXTURE_SKUS[c.lines[0]![0]].currency;
  return {
    currency,
    channel: c.channel ?? 'web',
    at: new Date('2026-12-05T12:00:00Z'),
    lines: c.lines.map((l) => {
      const sku = FIXTURE_SKUS[l[0]];
      return {
        sku: l[0],
        categoryId: 'category' in sku ? sku.category : null,
        taxCategory: sku.taxCategory,
        unitPrice: sku.price,
        quantity: l[1],
        weightGrams: sku.grams,
        shipTo: keyOf(l),
      };
    }),
    addresses,
    ...(c.coupons ? { couponCodes: c.coupons } : {}),
    ...(c.customer ? { customer: c.customer } : {}),
    ...(c.shipping ? { shipping: c.shipping } : {}),
    paymentMethod: c.cod ? 'cod' : 'sandbox',
  };
}
