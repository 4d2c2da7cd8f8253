import { describe, expect, it } from 'vitest';
import { expectProblem, useTestApp } from '../../../test/helpers/test-app.js';
import { FIXTURE_PROMOTIONS, FIXTURE_TAX_RATES, FIXTURE_ZONES } from './pricing.fixtures.js';

describe('pricing rules as data', () => {
  const t = useTestApp();
  const post = (url: string, payload: object | undefined) => t().request({ method: 'POST', url, payload });

  it('saves the fixture rules and refuses overlapping or contradictory ones, changing nothing', async () => {
    // the catch-all zone the migration made (10.00, free from 99.00) gives way to the fixture's
    const [seeded] = (await t().request({ method: 'GET', url: '/v1/shipping-zones' })).json();
    expect(seeded).toMatchObject({ name: 'Everywhere', regions: [{ country: '*' }] });
    expectProblem(await post('/v1/shipping-zones', FIXTURE_ZONES[0]), 409);
    await t().request({ method: 'DELETE', url: `/v1/shipping-zones/${seeded.id}` });
    for (const z of FIXTURE_ZONES) expect((await post('/v1/shipping-zones', z)).statusCode).toBe(201);
    for (const r of FIXTURE_TAX_RATES) expect((await post('/v1/tax-rates', r)).statusCode).toBe(201);
    for (const p of FIXTURE_PROMOTIONS) expect((await post('/v1/promotions', p)).statusCode).toBe(201);

    const overlapping = expectProblem(
      await post('/v1/shipping-zones', { ...FIXTURE_ZONES[1], name: 'Shanghai again' }),
      409,
    );
    expect(overlapping.detail).toContain('Shanghai, CN is already in the zone "Shanghai"');
    const sameCode = expectProblem(
      await post('/v1/promotions', { ...FIXTURE_PROMOTIONS[1], name: 'Save 20 again', code: 'save20' }),
      409,
    );
    expect(sameCode.conflictsWith.name).toBe('Save 20');
    // a later window for the same code is fine
    expect(
      (
        await post('/v1/promotions', {
          ...FIXTURE_PROMOTIONS[6],
          name: 'Old, next year',
          startsAt: '2030-01-01T00:00:00Z',
          endsAt: '2030-02-01T00:00:00Z',
        })
      ).statusCode,
    ).toBe(201);
    const vip = FIXTURE_PROMOTIONS[5]!;
    const twoExclusive = { ...vip, code: undefined, priority: 7 };
    expect((await post('/v1/promotions', { ...twoExclusive, name: 'Half A' })).statusCode).toBe(201);
    expectProblem(await post('/v1/promotions', { ...twoExclusive, name: 'Half B' }), 409);
    const taxAgain = expectProblem(
      await post('/v1/tax-rates', { ...FIXTURE_TAX_RATES[0], basisPoints: 600 }),
      409,
    );
    expect(taxAgain.detail).toContain('CN already has a standard rate');
    const exclusiveInChina = expectProblem(
      await post('/v1/tax-rates', { country: 'CN', category: 'books', basisPoints: 900, inclusive: false }),
      409,
    );
    expect(exclusiveInChina.detail).toContain('cannot both include and exclude tax');

    const contradictions: Array<[string, object, string]> = [
      [
        '/v1/promotions',
        { ...vip, code: 'X1', startsAt: '2027-01-02T00:00:00Z', endsAt: '2027-01-01T00:00:00Z' },
        'body.endsAt',
      ],
      ['/v1/promotions', { ...vip, code: 'X2', usageLimit: 1, perCustomerLimit: 2 }, 'body.perCustomerLimit'],
      [
        '/v1/promotions',
        { ...vip, code: 'X3', action: { type: 'buy_x_get_y', buy: 1, get: 1 } },
        'body.conditions',
      ],
      [
        '/v1/promotions',
        {
          ...vip,
          code: 'X4',
          conditions: { minSubtotal: 100 },
          action: { type: 'amount_off_order', amount: 500 },
        },
        'body.conditions.minSubtotal',
      ],
      [
        '/v1/promotions',
        { ...vip, code: 'X5', conditions: { firstOrder: true }, perCustomerLimit: 3 },
        'body.perCustomerLimit',
      ],
      [
        '/v1/shipping-zones',
        { ...FIXTURE_ZONES[4], name: 'AT', regions: [{ country: 'AT' }, { country: 'AT' }] },
        'body.regions[1]',
      ],
      [
        '/v1/shipping-zones',
        {
          ...FIXTURE_ZONES[2],
          name: 'JP',
          currency: 'JPY',
          regions: [{ country: 'JP' }],
          rates: [
            {
              carrier: 'jp',
              service: 's',
              basis: 'weight',
              tiers: [
                { upTo: null, price: 1 },
                { upTo: 10, price: 2 },
              ],
              minDays: 5,
              maxDays: 1,
            },
          ],
        },
        'body.rates[0].minDays',
      ],
      [
        '/v1/shipping-zones',
        { ...FIXTURE_ZONES[4], name: 'Anywhere', regions: [{ country: '*', province: 'X' }] },
        'body.regions[0]',
      ],
      [
        '/v1/shipping-zones',
        { ...FIXTURE_ZONES[4], name: 'NL', regions: [{ country: 'NL' }], cod: { fee: 900, limit: 500 } },
        'body.cod.fee',
      ],
    ];
    for (const [url, body, field] of contradictions) {
      const problem = expectProblem(await post(url, body), 422);
      expect(problem.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const counts = await Promise.all(
      ['/v1/promotions', '/v1/shipping-zones', '/v1/tax-rates'].map(
        async (url) => (await t().request({ method: 'GET', url })).json().length,
      ),
    );
    expect(counts).toEqual([FIXTURE_PROMOTIONS.length + 2, FIXTURE_ZONES.length, FIXTURE_TAX_RATES.length]);
    // support reads the rules, a storefront key does not; only admin writes them
    const support = await t().keyFor('support');
    expect((await t().request({ method: 'GET', url: '/v1/promotions', key: support })).statusCode).toBe(200);
    expectProblem(
      await t().request({
        method: 'POST',
        url: '/v1/tax-rates',
        key: support,
        payload: FIXTURE_TAX_RATES[0],
      }),
      403,
    );
  });
});
