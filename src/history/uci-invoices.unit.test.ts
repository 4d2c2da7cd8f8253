import { describe, expect, it } from 'vitest';
import {
  type Skipped,
  toHistoricalOrder,
  toPence,
  UciInvoiceGrouper,
  type UciRow,
  wallTimeToUtc,
} from './uci-invoices.js';

const row = (
  InvoiceNo: string,
  StockCode: string,
  Quantity = '1',
  UnitPrice = '2.55',
  InvoiceDate = '2011-06-01 08:26:00',
): UciRow => ({
  InvoiceNo,
  StockCode,
  Description: `item ${StockCode}`,
  Quantity,
  InvoiceDate,
  UnitPrice,
  CustomerID: '17850',
  Country: 'United Kingdom',
});

describe('UCI invoices', () => {
  it('reads prices as pence without float rounding', () => {
    expect(toPence('2.55')).toBe(255);
    expect(toPence('1.005')).toBe(101);
    expect(toPence('0.001')).toBe(0);
    expect(toPence('18')).toBe(1800);
    expect(toPence('-11062.06')).toBe(-1106206);
    expect(toPence('abc')).toBeUndefined();
  });

  it('reads UK wall-clock times as the instant they were, summer time included', () => {
    expect(wallTimeToUtc('2010-12-01 08:26:00', 'Europe/London').toISOString()).toBe(
      '2010-12-01T08:26:00.000Z',
    );
    expect(wallTimeToUtc('2011-06-01 08:26:00', 'Europe/London').toISOString()).toBe(
      '2011-06-01T07:26:00.000Z',
    );
    // 2011-03-27 01:00 GMT the clocks went to 02:00 BST; 03:00 BST is 02:00 UTC.
    expect(wallTimeToUtc('2011-03-27 03:00:00', 'Europe/London').toISOString()).toBe(
      '2011-03-27T02:00:00.000Z',
    );
  });

  it('turns an invoice into an order of goods, postage as shipping, and counts what it leaves out', () => {
    const skipped: Skipped = { lines: {}, invoices: {} };
    const order = toHistoricalOrder(
      '540001',
      [
        row('540001', '85123A', '6'),
        row('540001', 'POST', '2', '18'),
        row('540001', 'M', '1', '5'),
        row('540001', '22000', '-2'),
        row('540001', '22001', '3', '0'),
      ],
      'uci',
      skipped,
    );
    expect(order).toMatchObject({
      number: 'UCI-540001',
      placedAt: new Date('2011-06-01T07:26:00Z'),
      lines: [{ sku: '85123A', unitPrice: 255, quantity: 6 }],
      shippingTotal: 3600,
      customer: { email: 'customer-17850@uci-online-retail.invalid' },
    });
    expect(skipped.lines).toEqual({ 'non-product code': 1, 'not a positive quantity': 1, 'no price': 1 });
    expect(toHistoricalOrder('C540002', [row('C540002', '85123A', '-1')], 'uci', skipped)).toBeUndefined();
    expect(toHistoricalOrder('540003', [row('540003', 'POST')], 'uci', skipped)).toBeUndefined();
    expect(skipped.invoices).toEqual({ 'cancelled invoice': 1, 'no product lines': 1 });
  });

  it('keeps an invoice whose lines are interleaved with another one together', () => {
    const grouper = new UciInvoiceGrouper('uci', undefined, 3);
    const rows = [row('A', '1'), row('A', '2'), row('B', '3'), row('A', '4'), row('B', '5')];
    const orders = rows.flatMap((r) => grouper.add(r));
    expect(orders).toEqual([]);
    for (let i = 0; i < 3; i++) orders.push(...grouper.add(row('540303', String(10 + i))));
    expect(orders.map((o) => [o.number, o.lines.length])).toEqual([
      ['UCI-A', 3],
      ['UCI-B', 2],
    ]);
    // A line of A arriving after A was handed on is counted, not silently lost.
    grouper.add(row('A', '99'));
    expect(grouper.skipped.lines['after its invoice was loaded']).toBe(1);
    expect(grouper.flush().map((o) => o.number)).toEqual(['UCI-540303']);
    expect(grouper.invoices).toBe(3);
  });
});
