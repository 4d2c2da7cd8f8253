import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../test/helpers/test-app.js';
import { loadUciHistory } from './load-history.js';

// The first 300 lines of the UCI file: 34 invoices, 3 of them cancellations (9 lines), all on 2010-12-01.
const FILE = 'test/fixtures/uci-online-retail.first300.csv';

describe('loading the UCI Online Retail history', () => {
  const t = useTestApp();

  it('makes each invoice one completed order, skips cancellations, and adds nothing the second time', async () => {
    const first = await loadUciHistory(t().db, FILE, { batchSize: 10 });
    expect(first).toMatchObject({
      lines: 300,
      invoices: 34,
      ordersAdded: 31,
      ordersAlreadyThere: 0,
      skipped: { lines: { cancellation: 9 }, orders: { 'cancelled order': 3 } },
    });

    const list = await t().request({ method: 'GET', url: '/v1/orders?channel=uci-online-retail&limit=200' });
    expect(list.json().data).toHaveLength(31);
    const order = (number: string) =>
      t()
        .request({ method: 'GET', url: `/v1/orders?q=${number}` })
        .then((r) => r.json().data[0]);
    // Worked out from the file by hand: 7 lines, £139.12; December, so UK time is UTC.
    expect(await order('UCI-536365')).toMatchObject({
      status: 'completed',
      paymentStatus: 'paid',
      currency: 'GBP',
      placedAt: '2010-12-01T08:26:00.000Z',
      totals: { subtotal: 13912, shipping: 0, grandTotal: 13912 },
      paidTotal: 13912,
    });
    // Postage (3 × £18) is the order's shipping, not a line.
    const france = await order('UCI-536370');
    expect(france.totals).toMatchObject({ subtotal: 80186, shipping: 5400, grandTotal: 85586 });
    const detail = await t().request({ method: 'GET', url: `/v1/orders/${france.id}` });
    expect(detail.json().lines).toHaveLength(19);
    expect(detail.json().lines.map((l: { sku: string }) => l.sku)).not.toContain('POST');
    expectOnlyHistoryEvents(await t().request({ method: 'GET', url: '/v1/events?limit=10' }), 31);

    const again = await loadUciHistory(t().db, FILE);
    expect(again).toMatchObject({ ordersAdded: 0, ordersAlreadyThere: 31 });
    const after = await t().request({ method: 'GET', url: '/v1/orders?channel=uci-online-retail&limit=200' });
    expect(after.json().data).toHaveLength(31);
  });
});

/**
 * History is not news: loading it publishes no order events, only one history.orders_imported per
 * batch with the new orders' ids (for analytics).
 */
function expectOnlyHistoryEvents(
  res: { statusCode: number; json(): { data: { type: string; data: { orderIds: string[] } }[] } },
  orders: number,
) {
  expect(res.statusCode).toBe(200);
  const events = res.json().data;
  expect(new Set(events.map((e) => e.type))).toEqual(new Set(['com.ordersync.history.orders_imported']));
  expect(new Set(events.flatMap((e) => e.data.orderIds)).size).toBe(orders);
}
