import { describe, expect, it } from 'vitest';
import { address, orderBody, reservedUnits, stockedSku } from '../helpers/factories.js';
import {
  eventTypes,
  getOrder,
  paySandbox,
  prepareShipment,
  ship,
  twoWarehouseOrder,
} from '../helpers/lifecycle.js';
import { providerConfig } from '../helpers/providers.js';
import { expectProblem, type TestApp, useTestApp } from '../helpers/test-app.js';

const edit = (t: TestApp, orderId: string, payload: object) =>
  t.request({ method: 'POST', url: `/v1/orders/${orderId}/edits`, payload });

describe('order edits before shipment', () => {
  const t = useTestApp({ providers: providerConfig() });

  it('takes a unit off a paid order: stock released, the difference refunded, the edit versioned', async () => {
    // 2 × A 30.00 + 1 × B 50.00 = 110.00, shipping free from 99.00
    const { order, a, lineA } = await twoWarehouseOrder(t());
    await paySandbox(t(), order.id);
    const res = await edit(t(), order.id, {
      lines: [{ lineId: lineA, quantity: 1 }],
      reason: 'one is enough',
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    // 80.00 is under 99.00: shipping 10.00 comes back on
    expect(body.edit).toMatchObject({ version: 1, difference: 9000 - 11000, refunded: 2000, due: 0 });
    expect(body.edit.before.totals).toMatchObject({ subtotal: 11000, shipping: 0, grandTotal: 11000 });
    expect(body.edit.after.totals).toMatchObject({ subtotal: 8000, shipping: 1000, grandTotal: 9000 });
    expect(body.order).toMatchObject({
      status: 'paid',
      paymentStatus: 'partially_refunded',
      refundedTotal: 2000,
      totals: { grandTotal: 9000 },
    });
    expect(body.payment).toBeNull();
    expect(await reservedUnits(t(), a.sku)).toEqual({ reserved: 1, onHand: 10 });
    const detail = await getOrder(t(), order.id);
    expect(detail.timeline.map((e: { kind: string }) => e.kind)).toContain('order.edited');
    expect((await eventTypes(t(), order.id)).slice(-2)).toEqual(['order.edited', 'payment.refunded']);
    const edits = (await t().request({ method: 'GET', url: `/v1/orders/${order.id}/edits` })).json();
    expect(edits.map((e: { version: number }) => e.version)).toEqual([1]);
  });

  it('adds a line to a paid order: it waits for the difference, paid through a new payment', async () => {
    const { order, b, lineB } = await twoWarehouseOrder(t());
    await paySandbox(t(), order.id);
    const extra = await stockedSku(t(), 5, 1200);
    const res = await edit(t(), order.id, {
      lines: [{ lineId: lineB, quantity: 2 }],
      add: [{ sku: extra.sku, quantity: 2 }],
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    expect(body.edit).toMatchObject({ version: 1, difference: 5000 + 2400, refunded: 0, due: 7400 });
    expect(body.order).toMatchObject({ status: 'pending_payment', totals: { grandTotal: 18400 } });
    expect(body.order.lines.map((l: { quantity: number }) => l.quantity)).toEqual([2, 2, 2]);
    expect(body.payment).toMatchObject({ status: 'pending', amount: 7400 });
    expect((await reservedUnits(t(), b.sku)).reserved).toBe(2);
    expect((await reservedUnits(t(), extra.sku)).reserved).toBe(2);
    // an owing order does not ship
    expectProblem(
      await t().request({
        method: 'POST',
        url: `/v1/orders/${order.id}/shipments`,
        payload: { warehouse: extra.warehouse },
      }),
      409,
    );
    const paid = await t().request({ method: 'POST', url: `/v1/payments/${body.payment.id}/pay` });
    expect(paid.json().status).toBe('paid');
    expect(await getOrder(t(), order.id)).toMatchObject({ status: 'paid', paidTotal: 18400 });
  });

  it('changes the address and shipping of an unpaid order, voiding its open payment', async () => {
    const item = await stockedSku(t(), 5, 2000);
    const placed = (
      await t().request({
        method: 'POST',
        url: '/v1/orders',
        payload: orderBody([{ sku: item.sku, quantity: 1 }]),
      })
    ).json();
    expect(placed.totals).toMatchObject({ subtotal: 2000, shipping: 1000, grandTotal: 3000 });
    const intent = (
      await t().request({
        method: 'POST',
        url: `/v1/orders/${placed.id}/payments`,
        payload: { provider: 'sandbox' },
      })
    ).json();
    const res = await edit(t(), placed.id, {
      lines: [{ lineId: placed.lines[0].id, quantity: 5 }],
      addresses: {
        home: address({ city: 'Hangzhou', province: 'Zhejiang', district: 'Xihu', phone: '138 0013 8000' }),
      },
    });
    expect(res.statusCode, res.body).toBe(201);
    const body = res.json();
    // kept in E.164, as a placed order's phone is
    expect(body.order.addresses.home.phone).toBe('+8613800138000');
    // 100.00 of goods: shipping free
    expect(body.order).toMatchObject({ status: 'pending_payment', totals: { grandTotal: 10000 } });
    expect(body.order.addresses.home.city).toBe('Hangzhou');
    expect(body.edit.after.addresses.home.city).toBe('Hangzhou');
    expect(body.edit.before.addresses.home.city).toBe('Shanghai');
    expect(body.payment).toMatchObject({ amount: 10000, status: 'pending' });
    // the old intent's money, if it still comes, is taken and given back
    const late = await t().request({ method: 'POST', url: `/v1/payments/${intent.id}/pay` });
    expect(late.json().status).toBe('refunded');
    await t().request({ method: 'POST', url: `/v1/payments/${body.payment.id}/pay` });
    expect(await getOrder(t(), placed.id)).toMatchObject({
      status: 'paid',
      paidTotal: 13000,
      refundedTotal: 3000,
    });
  });

  it('edits a cash-on-delivery order without moving money', async () => {
    const { order, lineB } = await twoWarehouseOrder(t(), 'cod');
    const res = await edit(t(), order.id, { lines: [{ lineId: lineB, quantity: 0 }] });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().order).toMatchObject({ status: 'placed', totals: { grandTotal: 7000 }, paidTotal: 0 });
    expect(res.json().order.lines).toHaveLength(1);
    expect(res.json().edit).toMatchObject({ refunded: 0, due: 0 });
  });

  it('refuses bad edits with a clear problem and changes nothing', async () => {
    const { order, a, lineA, lineB, whA } = await twoWarehouseOrder(t());
    await paySandbox(t(), order.id);
    const before = await getOrder(t(), order.id);
    const cases: Array<[object, number, string?]> = [
      [{ lines: [{ lineId: '0193a000-0000-7000-8000-000000000001', quantity: 1 }] }, 422],
      [
        {
          lines: [
            { lineId: lineA, quantity: 0 },
            { lineId: lineB, quantity: 0 },
          ],
        },
        422,
      ],
      [{ add: [{ sku: 'NO-SUCH-SKU', quantity: 1 }] }, 422],
      [{ add: [{ sku: a.sku, quantity: 1, shipTo: 'office' }] }, 422],
      [{ shipping: { home: 'nope:never' } }, 422],
      [{ lines: [{ lineId: lineA, quantity: 2 }] }, 422],
      [{ lines: [{ lineId: lineA, quantity: 11 }] }, 409, 'insufficient_stock'],
      [{ lines: [{ lineId: lineA, quantity: 1 }], version: before.version + 5 }, 409, 'stale_version'],
      [{ lines: [{ lineId: lineA, quantity: -1 }] }, 400],
      [{ surprise: true }, 400],
    ];
    for (const [payload, status, code] of cases)
      expectProblem(await edit(t(), order.id, payload), status, code);
    const after = await getOrder(t(), order.id);
    expect(after.version).toBe(before.version);
    expect(after.totals).toEqual(before.totals);
    expect(await reservedUnits(t(), a.sku)).toEqual({ reserved: 2, onHand: 10 });

    // a prepared shipment stops edits; so does shipping
    await prepareShipment(t(), order.id, whA.code);
    expectProblem(await edit(t(), order.id, { lines: [{ lineId: lineB, quantity: 2 }] }), 409, 'conflict');
    const other = await twoWarehouseOrder(t());
    await paySandbox(t(), other.order.id);
    await ship(t(), other.order.id, other.whA.code, 'zto', '773012345678');
    expectProblem(
      await edit(t(), other.order.id, { lines: [{ lineId: other.lineB, quantity: 2 }] }),
      409,
      'illegal_transition',
    );
  });

  it('lists the shipping options an edit can switch to, priced as the edit charges them', async () => {
    // a zone of its own (Sichuan), so the other tests keep the default zone's one option
    const zone = await t().request({
      method: 'POST',
      url: '/v1/shipping-zones',
      payload: {
        name: `Sichuan ${Date.now()}`,
        regions: [{ country: 'CN', province: 'Sichuan' }],
        rates: [
          { carrier: 'zto', service: 'standard', basis: 'flat', price: 600, minDays: 2, maxDays: 4 },
          { carrier: 'sf', service: 'express', basis: 'flat', price: 1800, minDays: 1, maxDays: 1 },
        ],
      },
    });
    expect(zone.statusCode, zone.body).toBe(201);
    const item = await stockedSku(t(), 5, 2000);
    const sichuan = address({ province: 'Sichuan', city: 'Chengdu', district: 'Jinjiang' });
    const placed = (
      await t().request({
        method: 'POST',
        url: '/v1/orders',
        payload: orderBody([{ sku: item.sku, quantity: 1 }], { addresses: { home: sichuan } }),
      })
    ).json();
    expect(placed.totals).toMatchObject({ shipping: 600, grandTotal: 2600 });

    const res = await t().request({ method: 'GET', url: `/v1/orders/${placed.id}/shipping-options` });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      currency: 'CNY',
      grandTotal: 2600,
      addresses: [
        {
          address: 'home',
          current: 'zto:standard',
          options: [
            { id: 'zto:standard', price: 600, promise: '2–4 days', total: 2600, difference: 0 },
            { id: 'sf:express', price: 1800, promise: '1 days', total: 3800, difference: 1200 },
          ],
        },
      ],
    });
    // what the list says an option costs is what the edit charges
    const edited = await edit(t(), placed.id, { shipping: { home: 'sf:express' } });
    expect(edited.statusCode, edited.body).toBe(201);
    expect(edited.json().order.totals.grandTotal).toBe(3800);

    // roles as for edits: a warehouse key may not; an unknown order is a 404
    const warehouse = await t().request({
      method: 'GET',
      url: `/v1/orders/${placed.id}/shipping-options`,
      key: await t().keyFor('warehouse'),
    });
    expect(warehouse.statusCode).toBe(403);
    expectProblem(
      await t().request({
        method: 'GET',
        url: '/v1/orders/01900000-0000-7000-8000-000000000000/shipping-options',
      }),
      404,
      'not_found',
    );
  });
});
