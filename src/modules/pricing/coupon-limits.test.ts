import { describe, expect, it } from 'vitest';
import { address, createProduct, createWarehouse, setStock } from '../../../test/helpers/factories.js';
import { expectProblem, useTestApp } from '../../../test/helpers/test-app.js';

describe('coupons at placement', () => {
  const t = useTestApp();

  async function stocked(price: number) {
    const [p] = await createProduct(t(), [price]);
    const wh = await createWarehouse(t());
    await setStock(t(), p!.sku, wh.code, 100_000);
    return p!.sku;
  }
  const order = (sku: string, email: string, couponCodes?: string[]) =>
    t().request({
      method: 'POST',
      url: '/v1/orders',
      payload: {
        customer: { email },
        lines: [{ sku, quantity: 1 }],
        addresses: { home: address() },
        paymentMethod: 'cod',
        ...(couponCodes ? { couponCodes } : {}),
      },
    });
  const coupon = async (body: object) =>
    (await t().request({ method: 'POST', url: '/v1/promotions', payload: body })).json();

  it('a 100-use coupon is used exactly 100 times by 1,000 concurrent checkouts; one per customer holds', async () => {
    const sku = await stocked(5000);
    const limited = await coupon({
      name: 'Hundred',
      code: 'HUNDRED',
      currency: 'CNY',
      usageLimit: 100,
      action: { type: 'amount_off_order', amount: 1000 },
    });
    const answers = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => order(sku, `buyer${i}@example.com`, ['HUNDRED'])),
    );
    const codes = answers.map((a) => a.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(100);
    const refused = answers.filter((a) => a.statusCode !== 201);
    // used up while it raced (409, the statement's count) or already used up when priced (422, why)
    for (const r of refused) expect([409, 422]).toContain(r.statusCode);
    expect(refused.some((r) => /used up/.test(r.json().detail))).toBe(true);
    const saved = (await t().request({ method: 'GET', url: '/v1/promotions' })).json();
    expect(saved.find((p: { id: string }) => p.id === limited.id).used).toBe(100);
    for (const a of answers.filter((x) => x.statusCode === 201))
      expect(a.json().totals).toMatchObject({ discount: 1000, grandTotal: 5000 - 1000 + 1000 });

    await coupon({
      name: 'Once each',
      code: 'ONCE',
      currency: 'CNY',
      perCustomerLimit: 1,
      action: { type: 'amount_off_order', amount: 500 },
    });
    const mine = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        order(sku, i % 2 ? 'Same@Example.com ' : 'same@example.com', ['ONCE']),
      ),
    );
    expect(mine.filter((a) => a.statusCode === 201)).toHaveLength(1);
    const again = expectProblem(await order(sku, 'same@example.com', ['ONCE']), 422);
    expect(again.detail).toContain('already used as often as one customer may');
  }, 240_000);

  it('prices the order by the rules, keeps each line its discount and the tax lines, and says why a coupon does not apply', async () => {
    const sku = await stocked(12800);
    await coupon({
      name: 'Save 20',
      code: 'SAVE20',
      currency: 'CNY',
      conditions: { minSubtotal: 10000 },
      action: { type: 'amount_off_order', amount: 2000 },
    });
    await coupon({
      name: 'Old',
      code: 'OLD',
      currency: 'CNY',
      endsAt: '2026-01-01T00:00:00Z',
      action: { type: 'amount_off_order', amount: 100 },
    });
    await t().request({
      method: 'POST',
      url: '/v1/tax-rates',
      payload: { country: 'CN', category: 'standard', basisPoints: 1300, inclusive: true, name: 'CN VAT' },
    });
    const placed = await order(sku, 'a@example.com', ['save20']);
    expect(placed.statusCode, placed.body).toBe(201);
    // 12800 − 2000 = 10800 ≥ 99.00: the catch-all zone ships free; VAT 10800 × 13/113 = 1242 included
    expect(placed.json().totals).toEqual({
      subtotal: 12800,
      discount: 2000,
      shipping: 0,
      tax: 1242,
      grandTotal: 10800,
    });
    expect(placed.json().lines[0]).toMatchObject({ discount: 2000, tax: 1242, taxInclusive: true });
    expect(placed.json().pricing.taxLines).toEqual([
      expect.objectContaining({ name: 'CN VAT', basisPoints: 1300, taxable: 10800, amount: 1242 }),
    ]);
    const expired = expectProblem(await order(sku, 'b@example.com', ['OLD']), 422);
    expect(expired.errors).toEqual([{ field: 'body.couponCodes[0]', message: 'OLD: expired' }]);
    const tooSmall = await stocked(100);
    const minimum = expectProblem(await order(tooSmall, 'b@example.com', ['SAVE20']), 422);
    expect(minimum.detail).toBe('Coupon SAVE20: minimum not met');
  });
});
