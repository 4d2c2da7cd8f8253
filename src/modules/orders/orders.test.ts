import { describe, expect, it } from 'vitest';
import {
  address,
  createProduct,
  createWarehouse,
  orderBody,
  reservedUnits,
  setStock,
  stockedSku,
} from '../../../test/helpers/factories.js';
import { expectProblem, useTestApp } from '../../../test/helpers/test-app.js';
import { up as phonesToE164 } from './migrations/20261204_2330_phones_e164.js';
import { cancelOverdueOrders } from './order-commands.js';

describe('orders', () => {
  const t = useTestApp();
  const place = (payload: unknown, headers: Record<string, string> = {}) =>
    t().request({ method: 'POST', url: '/v1/orders', payload: payload as object, headers });

  it('places an order priced from the catalog, reserves stock and records timeline and event', async () => {
    const [a, b] = await createProduct(t(), [2599, 10000]);
    const wh = await createWarehouse(t());
    await setStock(t(), a!.sku, wh.code, 10);
    await setStock(t(), b!.sku, wh.code, 10);

    const res = await place(
      orderBody(
        [
          { sku: a!.sku, quantity: 2 },
          { sku: b!.sku, quantity: 1 },
        ],
        { channel: 'app' },
      ),
    );
    expect(res.statusCode, res.body).toBe(201);
    const order = res.json();
    expect(order).toMatchObject({
      status: 'pending_payment',
      paymentStatus: 'unpaid',
      fulfillmentStatus: 'unfulfilled',
      channel: 'app',
      currency: 'CNY',
      totals: { subtotal: 15198, shipping: 0, discount: 0, tax: 0, grandTotal: 15198 },
      version: 1,
    });
    expect(order.number).toMatch(/^OS-\d{6}-\d{6}$/);
    expect(order.lines.map((l: { unitPrice: number }) => l.unitPrice)).toEqual([2599, 10000]);
    expect(order.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
    expect(await reservedUnits(t(), a!.sku)).toEqual({ reserved: 2, onHand: 10 });

    const detail = (await t().request({ method: 'GET', url: `/v1/orders/${order.id}` })).json();
    expect(detail.reservations).toHaveLength(2);
    expect(detail.timeline[0]).toMatchObject({ kind: 'order.placed', toStatus: 'pending_payment' });
    expect(detail.payments).toEqual([]);

    const feed = (await t().request({ method: 'GET', url: `/v1/events?subject=${order.id}` })).json();
    expect(feed.data).toHaveLength(1);
    expect(feed.data[0]).toMatchObject({
      specversion: '1.0',
      type: 'com.ordersync.order.placed',
      source: '/ordersync/orders',
      subject: order.id,
      sequence: 1,
    });
  });

  it('stops selling a SKU the moment its product is archived, cached lookups or not', async () => {
    const s = await stockedSku(t(), 10);
    expect((await place(orderBody([{ sku: s.sku, quantity: 1 }]))).statusCode).toBe(201);
    const archived = await t().request({
      method: 'PATCH',
      url: `/v1/products/${s.productId}`,
      payload: { status: 'archived' },
    });
    expect(archived.statusCode, archived.body).toBe(200);
    const res = await place(orderBody([{ sku: s.sku, quantity: 1 }]));
    expectProblem(res, 422);
    expect(res.json().errors[0].message).toContain('not for sale');
    expect(await reservedUnits(t(), s.sku)).toEqual({ reserved: 1, onHand: 10 });
  });

  it('charges shipping per address below the free threshold and ships lines to several addresses', async () => {
    const [a] = await createProduct(t(), [1500]);
    const wh = await createWarehouse(t());
    await setStock(t(), a!.sku, wh.code, 10);
    const res = await place(
      orderBody(
        [
          { sku: a!.sku, quantity: 1, shipTo: 'home' },
          { sku: a!.sku, quantity: 1, shipTo: 'office' },
        ],
        {
          addresses: { home: address(), office: address({ city: 'Hangzhou', province: 'Zhejiang' }) },
        },
      ),
    );
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().totals).toMatchObject({ subtotal: 3000, shipping: 2000, grandTotal: 5000 });
    expect(res.json().lines.map((l: { shipTo: string }) => l.shipTo)).toEqual(['home', 'office']);
  });

  it('refuses lines without an address when there are several, and unknown SKUs, changing nothing', async () => {
    const s = await stockedSku(t(), 5);
    const twoAddresses = { addresses: { home: address(), office: address() } };
    expectProblem(await place(orderBody([{ sku: s.sku, quantity: 1 }], twoAddresses)), 422, 'unprocessable');
    const unknown = expectProblem(
      await place(orderBody([{ sku: 'NOPE-1', quantity: 1 }])),
      422,
      'unprocessable',
    );
    expect(unknown.errors).toEqual([{ field: 'body.lines[0].sku', message: 'unknown SKU NOPE-1' }]);
    expect(await reservedUnits(t(), s.sku)).toEqual({ reserved: 0, onHand: 5 });
  });

  it('is all-or-nothing: a short line names each short SKU and reserves nothing', async () => {
    const plenty = await stockedSku(t(), 100);
    const scarce = await stockedSku(t(), 1);
    const before = await t()
      .db.selectFrom('orders')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const res = await place(
      orderBody([
        { sku: plenty.sku, quantity: 3 },
        { sku: scarce.sku, quantity: 2 },
      ]),
    );
    const body = expectProblem(res, 409, 'insufficient_stock');
    expect(body.shortages).toEqual([{ sku: scarce.sku, requested: 2, available: 1 }]);
    expect(await reservedUnits(t(), plenty.sku)).toEqual({ reserved: 0, onHand: 100 });
    const after = await t()
      .db.selectFrom('orders')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('sells exactly the stock there is to 200 concurrent buyers', async () => {
    const s = await stockedSku(t(), 50);
    const results = await Promise.all(
      Array.from({ length: 200 }, () => place(orderBody([{ sku: s.sku, quantity: 1 }]))),
    );
    const codes = results.map((r) => r.statusCode);
    expect(codes.filter((c) => c === 201)).toHaveLength(50);
    expect(codes.filter((c) => c === 409)).toHaveLength(150);
    expect(await reservedUnits(t(), s.sku)).toEqual({ reserved: 50, onHand: 50 });
    const active = await t()
      .db.selectFrom('reservations')
      .select((eb) => eb.fn.sum<number>('quantity').as('q'))
      .where('sku', '=', s.sku)
      .where('status', '=', 'active')
      .executeTakeFirstOrThrow();
    expect(Number(active.q)).toBe(50);
  });

  it('cancels, releasing stock once; a second cancel and a stale version are 409s', async () => {
    const s = await stockedSku(t(), 5);
    const order = (await place(orderBody([{ sku: s.sku, quantity: 2 }]))).json();
    const stale = await t().request({
      method: 'POST',
      url: `/v1/orders/${order.id}/cancel`,
      payload: { version: 7 },
    });
    expect(expectProblem(stale, 409, 'stale_version').currentVersion).toBe(1);
    const ok = await t().request({
      method: 'POST',
      url: `/v1/orders/${order.id}/cancel`,
      headers: { 'if-match': '"1"' },
      payload: { reason: 'changed my mind' },
    });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toMatchObject({ status: 'cancelled', cancelReason: 'changed my mind', version: 2 });
    expect(ok.json().reservations.every((r: { status: string }) => r.status === 'released')).toBe(true);
    expect(await reservedUnits(t(), s.sku)).toEqual({ reserved: 0, onHand: 5 });
    const again = expectProblem(
      await t().request({ method: 'POST', url: `/v1/orders/${order.id}/cancel`, payload: {} }),
      409,
      'illegal_transition',
    );
    expect(again.currentStatus).toBe('cancelled');
  });

  it('releases stock exactly once under concurrent cancels and timeouts', async () => {
    const s = await stockedSku(t(), 10);
    const order = (await place(orderBody([{ sku: s.sku, quantity: 3 }]))).json();
    const future = new Date(Date.now() + 3 * 3600_000);
    const hooks = t().app.services.orderHooks;
    const [apiResults] = await Promise.all([
      Promise.all(
        Array.from({ length: 8 }, () =>
          t().request({ method: 'POST', url: `/v1/orders/${order.id}/cancel`, payload: {} }),
        ),
      ),
      Promise.all(Array.from({ length: 4 }, () => cancelOverdueOrders(t().db, future, hooks))),
    ]);
    // Every API cancel either won or was told the order is already cancelled.
    for (const r of apiResults) expect([200, 409]).toContain(r.statusCode);
    expect(apiResults.filter((r) => r.statusCode === 200).length).toBeLessThanOrEqual(1);
    expect(await reservedUnits(t(), s.sku)).toEqual({ reserved: 0, onHand: 10 });
    const events = (
      await t().request({
        method: 'GET',
        url: `/v1/events?subject=${order.id}&type=com.ordersync.order.cancelled`,
      })
    ).json();
    expect(events.data).toHaveLength(1);
  });

  it('cancels unpaid orders after the payment timeout, and not before', async () => {
    const s = await stockedSku(t(), 10);
    const order = (await place(orderBody([{ sku: s.sku, quantity: 1 }]))).json();
    const due = new Date(order.paymentDueAt).getTime();
    expect(due - Date.parse(order.placedAt)).toBe(t().config.orderPaymentTimeoutSeconds * 1000);
    await cancelOverdueOrders(t().db, new Date(due - 1000), t().app.services.orderHooks);
    expect((await t().request({ method: 'GET', url: `/v1/orders/${order.id}` })).json().status).toBe(
      'pending_payment',
    );
    await cancelOverdueOrders(t().db, new Date(due + 1000), t().app.services.orderHooks);
    const after = (await t().request({ method: 'GET', url: `/v1/orders/${order.id}` })).json();
    expect(after).toMatchObject({ status: 'cancelled', cancelReason: 'payment_timeout' });
    expect(await reservedUnits(t(), s.sku)).toEqual({ reserved: 0, onHand: 10 });
  });

  it('starts cash-on-delivery orders as placed with no payment deadline', async () => {
    const s = await stockedSku(t(), 3);
    const res = await place(orderBody([{ sku: s.sku, quantity: 1 }], { paymentMethod: 'cod' }));
    expect(res.json()).toMatchObject({ status: 'placed', paymentStatus: 'unpaid', paymentDueAt: null });
  });

  it('reaches paid through sandbox payments, split in two, with gap-free event sequences', async () => {
    const s = await stockedSku(t(), 5, 5000);
    const order = (await place(orderBody([{ sku: s.sku, quantity: 2 }]))).json();
    const pay = (amount?: number) =>
      t().request({
        method: 'POST',
        url: `/v1/orders/${order.id}/payments`,
        payload: amount ? { provider: 'sandbox', amount } : { provider: 'sandbox' },
      });
    const first = await pay(4000);
    expect(first.statusCode, first.body).toBe(201);
    const second = await pay();
    expect(second.json().amount).toBe(6000);
    expectProblem(await pay(1), 422, 'unprocessable');

    await t().request({ method: 'POST', url: `/v1/payments/${first.json().id}/pay` });
    expect((await t().request({ method: 'GET', url: `/v1/orders/${order.id}` })).json()).toMatchObject({
      status: 'pending_payment',
      paidTotal: 4000,
    });
    const paid = await t().request({ method: 'POST', url: `/v1/payments/${second.json().id}/pay` });
    expect(paid.json().status).toBe('paid');
    const again = await t().request({ method: 'POST', url: `/v1/payments/${second.json().id}/pay` });
    expect(again.statusCode).toBe(200);

    const detail = (await t().request({ method: 'GET', url: `/v1/orders/${order.id}` })).json();
    expect(detail).toMatchObject({
      status: 'paid',
      paymentStatus: 'paid',
      paidTotal: 10000,
      paymentDueAt: null,
    });
    expect(detail.payments.map((p: { status: string }) => p.status)).toEqual(['paid', 'paid']);

    const feed = (await t().request({ method: 'GET', url: `/v1/events?subject=${order.id}` })).json();
    expect(feed.data.map((e: { sequence: number }) => e.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(feed.data.map((e: { type: string }) => e.type.replace('com.ordersync.', ''))).toEqual([
      'order.placed',
      'payment.created',
      'payment.created',
      'payment.succeeded',
      'order.paid',
      'payment.succeeded',
    ]);
  });

  it('refunds what was paid when a paid order is cancelled', async () => {
    const s = await stockedSku(t(), 5, 3000);
    const order = (await place(orderBody([{ sku: s.sku, quantity: 1 }]))).json();
    const payment = (
      await t().request({
        method: 'POST',
        url: `/v1/orders/${order.id}/payments`,
        payload: { provider: 'sandbox' },
      })
    ).json();
    await t().request({ method: 'POST', url: `/v1/payments/${payment.id}/pay` });
    const cancelled = (
      await t().request({ method: 'POST', url: `/v1/orders/${order.id}/cancel`, payload: {} })
    ).json();
    expect(cancelled).toMatchObject({ status: 'cancelled', paymentStatus: 'refunded' });
    expect(cancelled.payments[0].status).toBe('refunded');
    expect(await reservedUnits(t(), s.sku)).toEqual({ reserved: 0, onHand: 5 });
  });

  it('creates one order for 20 concurrent requests with the same Idempotency-Key', async () => {
    const s = await stockedSku(t(), 100);
    const body = orderBody([{ sku: s.sku, quantity: 1 }]);
    const key = `idem-${Date.now()}`;
    const results = await Promise.all(
      Array.from({ length: 20 }, () => place(body, { 'idempotency-key': key })),
    );
    expect(results.map((r) => r.statusCode)).toEqual(Array(20).fill(201));
    expect(new Set(results.map((r) => r.json().id)).size).toBe(1);
    expect(await reservedUnits(t(), s.sku)).toEqual({ reserved: 1, onHand: 100 });
    const other = await place({ ...body, note: 'different' }, { 'idempotency-key': key });
    expectProblem(other, 422, 'idempotency_key_reused');
  });

  it('finds orders by status, channel, customer, number and date, page by page', async () => {
    const s = await stockedSku(t(), 50);
    const email = `finder-${Date.now()}@example.com`;
    const placed = [];
    for (let i = 0; i < 5; i++) {
      placed.push(
        (
          await place(
            orderBody([{ sku: s.sku, quantity: 1 }], { customer: { email }, channel: 'marketplace' }),
          )
        ).json(),
      );
    }
    const byCustomer = (
      await t().request({ method: 'GET', url: `/v1/orders?customer=${email}&limit=2` })
    ).json();
    expect(byCustomer.data).toHaveLength(2);
    const seen = [...byCustomer.data];
    let cursor = byCustomer.nextCursor;
    while (cursor) {
      const page = (
        await t().request({ method: 'GET', url: `/v1/orders?customer=${email}&limit=2&cursor=${cursor}` })
      ).json();
      seen.push(...page.data);
      cursor = page.nextCursor;
    }
    expect(seen.map((o) => o.id).sort()).toEqual(placed.map((o) => o.id).sort());

    const byNumber = (await t().request({ method: 'GET', url: `/v1/orders?q=${placed[2].number}` })).json();
    expect(byNumber.data.map((o: { id: string }) => o.id)).toEqual([placed[2].id]);
    const byEmail = (await t().request({ method: 'GET', url: `/v1/orders?q=${email.toUpperCase()}` })).json();
    expect(byEmail.data).toHaveLength(5);
    const byChannel = (
      await t().request({
        method: 'GET',
        url: '/v1/orders?channel=marketplace&status=pending_payment&limit=200',
      })
    ).json();
    expect(byChannel.data.length).toBeGreaterThanOrEqual(5);
    const future = (
      await t().request({ method: 'GET', url: `/v1/orders?customer=${email}&from=2999-01-01T00:00:00Z` })
    ).json();
    expect(future.data).toEqual([]);
    expectProblem(await t().request({ method: 'GET', url: '/v1/orders?cursor=garbage' }), 400);
  });

  it('finds orders by phone in any common spelling: phones are kept in E.164', async () => {
    const s = await stockedSku(t(), 10);
    // a mobile number nobody else in the file uses, written as a buyer might
    const mobile = `139${String(Date.now()).slice(-8)}`;
    const spaced = `${mobile.slice(0, 3)} ${mobile.slice(3, 7)} ${mobile.slice(7)}`;
    const order = (
      await place(
        orderBody([{ sku: s.sku, quantity: 1 }], {
          customer: { email: `phone-${mobile}@example.com`, phone: spaced },
          addresses: { home: address({ phone: `0086 ${mobile}` }) },
        }),
      )
    ).json();
    expect(order.customer.phone).toBe(`+86${mobile}`);
    expect(order.addresses.home.phone).toBe(`+86${mobile}`);
    for (const spelling of [mobile, spaced, `+86 ${mobile}`, `+86${mobile}`, `86-${mobile}`]) {
      for (const filter of ['q', 'customer']) {
        const res = await t().request({
          method: 'GET',
          url: `/v1/orders?${filter}=${encodeURIComponent(spelling)}`,
        });
        expect(res.statusCode, res.body).toBe(200);
        expect(
          res.json().data.map((o: { id: string }) => o.id),
          `${filter}=${spelling}`,
        ).toEqual([order.id]);
      }
    }
    // another number finds nothing
    const other = await t().request({ method: 'GET', url: `/v1/orders?q=137${mobile.slice(3)}` });
    expect(other.json().data.filter((o: { id: string }) => o.id === order.id)).toEqual([]);

    // phones stored before E.164 are rewritten by the migration; a masked one stays
    await t().db.updateTable('orders').set({ customer_phone: spaced }).where('id', '=', order.id).execute();
    await t()
      .db.updateTable('order_addresses')
      .set({ phone: '138****0000' })
      .where('order_id', '=', order.id)
      .execute();
    await phonesToE164(t().db as never);
    const migrated = (await t().request({ method: 'GET', url: `/v1/orders/${order.id}` })).json();
    expect(migrated.customer.phone).toBe(`+86${mobile}`);
    expect(migrated.addresses.home.phone).toBe('138****0000');
  });

  it('keeps orders to the roles that may see them', async () => {
    const warehouse = await t().keyFor('warehouse');
    expectProblem(await t().request({ method: 'POST', url: '/v1/orders', key: warehouse, payload: {} }), 403);
    const storefront = await t().keyFor('storefront');
    expectProblem(await t().request({ method: 'GET', url: '/v1/orders', key: storefront }), 403);
  });
});
