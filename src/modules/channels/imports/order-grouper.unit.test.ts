import { describe, expect, it } from 'vitest';
import { type ImportLine, readDateTime, readLine, UCI_ONLINE_RETAIL } from './column-mapping.js';
import { OrderGrouper } from './order-grouper.js';

const uci = (
  InvoiceNo: string,
  StockCode: string,
  Quantity = '1',
  UnitPrice = '2.55',
  InvoiceDate = '2011-06-01 08:26:00',
) => ({
  InvoiceNo,
  StockCode,
  Description: `item ${StockCode}`,
  Quantity,
  InvoiceDate,
  UnitPrice,
  CustomerID: '17850',
  Country: 'United Kingdom',
});

let lineNo = 0;
const line = (...args: Parameters<typeof uci>) => readLine(uci(...args), ++lineNo, UCI_ONLINE_RETAIL, 'GBP');

describe('reading a file line through a column mapping', () => {
  it("reads prices in the import currency's minor units (a yen has none)", () => {
    expect(readLine(uci('540001', 'X', '1', '-11062.06'), 1, UCI_ONLINE_RETAIL, 'GBP')).toMatchObject({
      unitPrice: -1106206,
    });
    expect(readLine(uci('540001', 'X', '1', '1500'), 2, UCI_ONLINE_RETAIL, 'JPY')).toMatchObject({
      unitPrice: 1500,
    });
    expect(readLine(uci('540001', 'X', '1', ''), 3, UCI_ONLINE_RETAIL, 'GBP')).toMatchObject({
      problem: 'price is not a number',
    });
  });

  it('reads wall-clock times in the shop zone, summer time included, and instants with an offset as they are', () => {
    const at = (text: string, zone = 'Europe/London') => readDateTime(text, zone)?.toISOString();
    expect(at('2010-12-01 08:26:00')).toBe('2010-12-01T08:26:00.000Z');
    expect(at('2011-06-01 08:26:00')).toBe('2011-06-01T07:26:00.000Z');
    // 2011-03-27 01:00 GMT the clocks went to 02:00 BST; 03:00 BST is 02:00 UTC.
    expect(at('2011-03-27 03:00:00')).toBe('2011-03-27T02:00:00.000Z');
    expect(at('2011-06-01T08:26:00+02:00')).toBe('2011-06-01T06:26:00.000Z');
    expect(at('2011-06-01 08:26', 'UTC')).toBe('2011-06-01T08:26:00.000Z');
    expect(at('01/06/2011 08:26')).toBeUndefined();
    expect(at('2011-13-45 08:26:00')).toBeUndefined();
  });

  it('says why a line cannot be used, keeping its order id so the order is still counted', () => {
    expect(readLine({ ...uci('540001', '85123A'), Quantity: '1.5' }, 7, UCI_ONLINE_RETAIL, 'GBP')).toEqual({
      line: 7,
      externalId: '540001',
      problem: 'quantity is not a whole number',
    });
    expect(
      readLine({ ...uci('540001', '85123A'), UnitPrice: '£2' }, 8, UCI_ONLINE_RETAIL, 'GBP'),
    ).toMatchObject({
      problem: 'price is not a number',
    });
    expect(readLine({ ...uci('', '85123A') }, 9, UCI_ONLINE_RETAIL, 'GBP')).toMatchObject({
      problem: 'no order id',
    });
    expect(readLine({ ...uci('540001', '') }, 9, UCI_ONLINE_RETAIL, 'GBP')).toMatchObject({
      problem: 'no SKU',
    });
    expect(
      readLine({ ...uci('540001', 'X'), InvoiceDate: 'soon' }, 9, UCI_ONLINE_RETAIL, 'GBP'),
    ).toMatchObject({
      problem: 'date is not readable',
    });
    // JSON Lines give numbers as numbers.
    expect(
      readLine({ ...uci('540001', 'X'), Quantity: 3, UnitPrice: 1.5 }, 10, UCI_ONLINE_RETAIL, 'GBP'),
    ).toMatchObject({ quantity: 3, unitPrice: 150 });
  });
});

describe('grouping a file into orders', () => {
  it('makes an order of goods, postage as shipping, and counts each line it leaves out with its reason', () => {
    const grouper = new OrderGrouper(UCI_ONLINE_RETAIL);
    for (const l of [
      line('540001', '85123A', '6'),
      line('540001', 'POST', '2', '18'),
      line('540001', 'M', '1', '5'),
      line('540001', '22000', '-2'),
      line('540001', '22001', '3', '0'),
      line('C540002', '85123A', '-1'),
      line('540003', 'POST'),
    ])
      expect(grouper.add(l)).toEqual([]);
    expect(grouper.flush()).toMatchObject([
      {
        externalId: '540001',
        placedAt: new Date('2011-06-01T07:26:00Z'),
        lines: [{ sku: '85123A', unitPrice: 255, quantity: 6 }],
        shippingTotal: 3600,
        customer: '17850',
      },
    ]);
    expect(grouper.tally).toEqual({
      lines: { 'non-product code': 1, 'not a positive quantity': 1, 'no price': 1, cancellation: 1 },
      orders: { 'cancelled order': 1, 'no product lines': 1 },
    });
    expect(grouper.orders).toBe(3);
    expect(grouper.takeRejections().map((r) => [r.externalId, r.reason])).toEqual([
      ['540001', 'non-product code'],
      ['540001', 'not a positive quantity'],
      ['540001', 'no price'],
      ['C540002', 'cancellation'],
      ['C540002', 'cancelled order'],
      ['540003', 'no product lines'],
    ]);
  });

  it('keeps an order whose lines are interleaved with another one together', () => {
    const grouper = new OrderGrouper(UCI_ONLINE_RETAIL, undefined, undefined, 3);
    const lines = [line('A', '1'), line('A', '2'), line('B', '3'), line('A', '4'), line('B', '5')];
    const orders = lines.flatMap((l) => grouper.add(l));
    expect(orders).toEqual([]);
    for (let i = 0; i < 3; i++) orders.push(...grouper.add(line('540303', String(10 + i))));
    expect(orders.map((o) => [o.externalId, o.lines.length])).toEqual([
      ['A', 3],
      ['B', 2],
    ]);
    // A line of A arriving after A was handed on is counted, not silently lost.
    grouper.add(line('A', '99'));
    expect(grouper.tally.lines['after its order was read']).toBe(1);
    expect(grouper.flush().map((o) => o.externalId)).toEqual(['540303']);
    expect(grouper.orders).toBe(3);
  });

  it('goes on from a saved state exactly as if it had not stopped', () => {
    const lines = ['A', 'A', 'B', 'A', 'B', 'C', 'C', 'D', 'A', 'D'].map((id, i) =>
      line(id, String(i)),
    ) as ImportLine[];
    const whole = new OrderGrouper(UCI_ONLINE_RETAIL, undefined, undefined, 3);
    const straight = [...lines.flatMap((l) => whole.add(l)), ...whole.flush()];

    const first = new OrderGrouper(UCI_ONLINE_RETAIL, undefined, undefined, 3);
    const before = lines.slice(0, 6).flatMap((l) => first.add(l));
    const saved = JSON.parse(JSON.stringify({ state: first.state(), tally: first.tally }));
    const second = new OrderGrouper(UCI_ONLINE_RETAIL, saved.state, saved.tally, 3);
    const after = [...lines.slice(6).flatMap((l) => second.add(l)), ...second.flush()];
    expect([...before, ...after]).toEqual(straight);
    expect(second.tally).toEqual(whole.tally);
    expect(second.orders).toBe(whole.orders);
  });
});
