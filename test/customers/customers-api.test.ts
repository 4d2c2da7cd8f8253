import { beforeAll, describe, expect, it } from 'vitest';
import { seedDemoArticles } from '../../src/modules/aftersales/index.js';
import { matchNow, mobile, placeOrderFor } from '../helpers/customers.js';
import { orderBody, stockedSku } from '../helpers/factories.js';
import { paySandbox, ship, twoWarehouseOrder } from '../helpers/lifecycle.js';
import { uniq } from '../helpers/sync.js';
import { expectProblem, useTestApp } from '../helpers/test-app.js';

describe('customers API', () => {
  const t = useTestApp();
  let sku: string;
  const get = (url: string, key?: string) => t().request({ method: 'GET', url, key });
  const post = (url: string, payload: Record<string, unknown>, key?: string) =>
    t().request({ method: 'POST', url, payload, key });
  const patch = (url: string, payload: Record<string, unknown>) =>
    t().request({ method: 'PATCH', url, payload });

  /** The events written for a subject (a customer or an order), in order, with their data. */
  const eventsOf = (subject: string) =>
    t()
      .db.selectFrom('outbox')
      .select(['type', 'data'])
      .where('subject', '=', subject)
      .orderBy('position')
      .execute();

  /** A new customer with one order of their own: its ids and the phone's digits. */
  async function customerWithOrder(name = `Wang ${uniq()}`) {
    const digits = mobile();
    const orderId = await placeOrderFor(t(), sku, { phone: digits, name });
    return { customer: await matchNow(t(), orderId), orderId, digits, name };
  }

  beforeAll(async () => {
    sku = (await stockedSku(t(), 1_000)).sku;
    await seedDemoArticles(t().db);
  });

  it('finds a customer by any common spelling of a Chinese mobile, by e-mail in any case, and by name', async () => {
    const { customer, digits, name } = await customerWithOrder();
    const spellings = [
      digits,
      `${digits.slice(0, 3)} ${digits.slice(3, 7)} ${digits.slice(7)}`,
      `+86 ${digits}`,
      `0086${digits}`,
      customer.email!.toUpperCase(),
      name.split(' ')[1]!,
    ];
    for (const q of spellings) {
      const res = await get(`/v1/customers?q=${encodeURIComponent(q)}`);
      expect(res.statusCode, res.body).toBe(200);
      expect(
        res.json().data.map((c: { id: string }) => c.id),
        q,
      ).toEqual([customer.id]);
    }
    expect((await get(`/v1/customers?q=${encodeURIComponent('+86 139 0000 000')}`)).json().data).toEqual([]);
  });

  it('pages with a cursor, newest first, and filters by tag', async () => {
    const tag = `vip-${uniq()}`;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { customer } = await customerWithOrder();
      expect((await patch(`/v1/customers/${customer.id}`, { tags: [tag] })).statusCode).toBe(200);
      ids.unshift(customer.id);
    }
    const first = (await get(`/v1/customers?tag=${tag}&limit=2`)).json();
    expect(first.data.map((c: { id: string }) => c.id)).toEqual(ids.slice(0, 2));
    const second = (await get(`/v1/customers?tag=${tag}&limit=2&cursor=${first.nextCursor}`)).json();
    expect(second).toEqual({ data: [expect.objectContaining({ id: ids[2] })], nextCursor: null });
    expectProblem(await get('/v1/customers?cursor=bm90LWEtY3Vyc29y'), 400);
  });

  it('changes locale, time zone, tags and marketing consent, never transactional; stale versions are refused', async () => {
    const { customer } = await customerWithOrder();
    const url = `/v1/customers/${customer.id}`;
    const res = await patch(url, {
      locale: 'en',
      timeZone: 'Europe/Berlin',
      tags: ['vip', 'vip', 'b2b'],
      preferences: { marketing: { email: true } },
      version: customer.version,
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({
      locale: 'en',
      timeZone: 'Europe/Berlin',
      tags: ['vip', 'b2b'],
      preferences: { transactional: { email: true, sms: true }, marketing: { email: true, sms: false } },
      version: customer.version + 1,
    });
    expectProblem(await patch(url, { preferences: { transactional: { email: false } } }), 400);
    expectProblem(await patch(url, { timeZone: 'Mars/Olympus' }), 400);
    expectProblem(await patch(url, { locale: 'fr' }), 400);
    expectProblem(await patch(url, { name: 'X', version: customer.version }), 409);
    expect((await get(url)).json().name).toBe(customer.name);
    expectProblem(await patch(`/v1/customers/${crypto.randomUUID()}`, { name: 'X' }), 404);
    const events = await eventsOf(customer.id);
    expect(events.map((e) => e.type)).toEqual([
      'com.ordersync.customer.created',
      'com.ordersync.customer.updated',
    ]);
  });

  it('merges two customers: orders follow, the old id finds the survivor, the merge is in the timeline and an event', async () => {
    const a = await customerWithOrder();
    const b = await customerWithOrder();
    await post(`/v1/customers/${b.customer.id}/notes`, { body: 'prefers SF Express' });
    const merged = await post(`/v1/customers/${a.customer.id}/merge`, { customerId: b.customer.id });
    expect(merged.statusCode, merged.body).toBe(200);
    const body = merged.json();
    expect(body.orders.map((o: { id: string }) => o.id).sort()).toEqual([a.orderId, b.orderId].sort());
    expect(body.notes.map((n: { body: string }) => n.body)).toEqual(['prefers SF Express']);
    expect(body.timeline.map((e: { kind: string }) => e.kind)).toContain('customer.merged');
    expect((await get(`/v1/customers/${b.customer.id}`)).json().id).toBe(a.customer.id);
    // b's phone now finds a
    expect((await get(`/v1/customers?q=${b.digits}`)).json().data.map((c: { id: string }) => c.id)).toEqual([
      a.customer.id,
    ]);
    const events = await eventsOf(a.customer.id);
    expect(events.at(-1)).toMatchObject({
      type: 'com.ordersync.customer.merged',
      data: { mergedId: b.customer.id, orderIds: [b.orderId] },
    });
    expectProblem(await post(`/v1/customers/${a.customer.id}/merge`, { customerId: b.customer.id }), 409);
    expectProblem(await post(`/v1/customers/${a.customer.id}/merge`, { customerId: a.customer.id }), 400);
    expectProblem(
      await post(`/v1/customers/${a.customer.id}/merge`, { customerId: crypto.randomUUID() }),
      422,
    );
  });

  it("support's one page: the order with its customer and staff notes, which the buyer and warehouse do not see", async () => {
    const placed = await post(
      '/v1/orders',
      orderBody([{ sku, quantity: 1 }], { customer: { email: `n-${uniq()}@example.com`, phone: mobile() } }),
    );
    const { id: orderId, accessToken } = placed.json();
    const customer = await matchNow(t(), orderId);
    expect(
      (await post(`/v1/customers/${customer.id}/notes`, { body: 'VIP: call before shipping' })).statusCode,
    ).toBe(201);
    const note = await post(`/v1/orders/${orderId}/notes`, { body: 'asked to hold until Monday' });
    expect(note.statusCode, note.body).toBe(201);
    expect(note.json()).toMatchObject({ orderId, customerId: customer.id, author: 'test admin' });
    expectProblem(await post(`/v1/orders/${crypto.randomUUID()}/notes`, { body: 'x' }), 404);
    expectProblem(await post(`/v1/orders/${orderId}/notes`, { body: '   ' }), 400);

    const support = (await get(`/v1/orders/${orderId}`, await t().keyFor('support'))).json();
    expect(support.timeline.map((e: { message: string }) => e.message)).toContain(
      'asked to hold until Monday',
    );
    expect(support.customerProfile).toMatchObject({ id: customer.id, orderCount: 1 });
    expect(support.customerNotes.map((n: { body: string }) => n.body)).toEqual([
      'VIP: call before shipping',
      'asked to hold until Monday',
    ]);
    const buyer = { key: await t().keyFor('storefront'), headers: { 'order-access-token': accessToken } };
    const asBuyer = (await t().request({ method: 'GET', url: `/v1/orders/${orderId}`, ...buyer })).json();
    expect(asBuyer.customerProfile).toBeUndefined();
    expect(asBuyer.timeline.length).toBeGreaterThan(0);
    expect(JSON.stringify(asBuyer.timeline)).not.toContain('hold until Monday');
    for (const role of ['warehouse', 'finance'] as const) {
      const seen = (await get(`/v1/orders/${orderId}`, await t().keyFor(role))).json();
      expect(seen.customerProfile, role).toBeUndefined();
      expect(JSON.stringify(seen.timeline), role).not.toContain('hold until Monday');
    }
    const events = await eventsOf(orderId);
    expect(events.at(-1)).toMatchObject({
      type: 'com.ordersync.order.note_added',
      data: { note: { body: 'asked to hold until Monday' } },
    });
  });

  it('the overview: orders with payments, shipments with tracking, returns with knowledge-base articles; lifetime value in minor units', async () => {
    const ctx = await twoWarehouseOrder(t());
    await paySandbox(t(), ctx.order.id);
    await ship(t(), ctx.order.id, ctx.whA.code, 'yto', 'YT5500000001');
    const ret = await post(`/v1/orders/${ctx.order.id}/returns`, {
      type: 'refund_only',
      reason: 'no_longer_needed',
      lines: [{ lineId: ctx.lineB, quantity: 1 }],
    });
    expect(ret.statusCode, ret.body).toBe(201);
    await post(`/v1/returns/${ret.json().id}/approve`, {});
    expect((await post(`/v1/returns/${ret.json().id}/refund`, {})).statusCode).toBe(200);
    const customer = await matchNow(t(), ctx.order.id);

    const res = await get(`/v1/customers/${customer.id}/overview`, await t().keyFor('support'));
    expect(res.statusCode, res.body).toBe(200);
    const { customer: detail, orders } = res.json();
    expect(detail.lifetimeValue).toEqual([
      { currency: 'CNY', orders: 1, paid: 11000, refunded: 5000, net: 6000 },
    ]);
    expect(detail.addresses).toHaveLength(1);
    const [order] = orders;
    expect(order.id).toBe(ctx.order.id);
    expect(order.payments[0]).toMatchObject({ status: expect.any(String), amount: 11000 });
    expect(order.shipments[0]).toMatchObject({ carrier: 'yto', trackingNumber: 'YT5500000001' });
    expect(order.returns[0].suggestedArticles.length).toBeGreaterThan(0);
    expect(order.customerProfile).toBeUndefined();
  });

  it('is for support and admin only', async () => {
    const { customer } = await customerWithOrder();
    for (const role of ['warehouse', 'finance', 'channel', 'storefront'] as const) {
      const key = await t().keyFor(role);
      expectProblem(await get('/v1/customers', key), 403);
      expectProblem(await get(`/v1/customers/${customer.id}/overview`, key), 403);
      expectProblem(await post(`/v1/customers/${customer.id}/notes`, { body: 'x' }, key), 403);
    }
    expect((await get(`/v1/customers/${customer.id}`, await t().keyFor('support'))).statusCode).toBe(200);
  });
});
