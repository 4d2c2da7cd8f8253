import { describe, expect, it } from 'vitest';
import { buyBody, campaign, settledTicket } from './helpers/campaigns.js';
import { orderBody, stockedSku } from './helpers/factories.js';
import { expectProblem, useTestApp } from './helpers/test-app.js';

/**
 * Who reaches which order: a storefront key (shared by every buyer of a shop front) only with the
 * order's access token; a channel key only its channel's orders; warehouse and finance keys only the
 * parts of an order their work needs.
 */
describe('order access by role', () => {
  const t = useTestApp();

  async function placed(key?: string, overrides: Record<string, unknown> = {}) {
    const sku = await stockedSku(t(), 10);
    const res = await t().request({
      method: 'POST',
      url: '/v1/orders',
      key,
      payload: orderBody([{ sku: sku.sku, quantity: 1 }], overrides),
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as {
      id: string;
      number: string;
      channel: string;
      accessToken: string;
      customer: { email: string };
    };
  }

  it('gives a storefront buyer an access token at placement, kept only as a hash', async () => {
    const storefront = await t().keyFor('storefront');
    const order = await placed(storefront);
    expect(order.accessToken).toMatch(/^oat_[\w-]{32}$/);
    const row = await t()
      .db.selectFrom('orders')
      .select('access_token_hash')
      .where('id', '=', order.id)
      .executeTakeFirstOrThrow();
    expect(row.access_token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.access_token_hash).not.toContain(order.accessToken);
    // The detail never shows it again.
    const detail = await t().request({ method: 'GET', url: `/v1/orders/${order.id}` });
    expect(detail.json().accessToken).toBeUndefined();
  });

  it('lets a storefront key read an order only with its token', async () => {
    const storefront = await t().keyFor('storefront');
    const mine = await placed(storefront);
    const theirs = await placed(storefront);
    const get = (id: string, headers: Record<string, string> = {}, query = '') =>
      t().request({ method: 'GET', url: `/v1/orders/${id}${query}`, key: storefront, headers });

    const bare = expectProblem(await get(theirs.id), 403, 'forbidden');
    expect(bare.detail).toContain('order-access-token');
    expectProblem(await get(theirs.id, { 'order-access-token': mine.accessToken }), 404, 'not_found');
    expectProblem(await get(theirs.id, { 'order-access-token': 'oat_guess' }), 404, 'not_found');
    const byHeader = await get(mine.id, { 'order-access-token': mine.accessToken });
    expect(byHeader.statusCode, byHeader.body).toBe(200);
    expect(byHeader.json().customer.email).toBe(mine.customer.email);
    const byQuery = await get(mine.id, {}, `?accessToken=${mine.accessToken}`);
    expect(byQuery.statusCode, byQuery.body).toBe(200);
    expectProblem(await get(mine.id, {}, `?accessToken=${mine.accessToken}&token=x`), 400);
  });

  it('lets a storefront key cancel, pay, confirm and return only with the token, changing nothing without it', async () => {
    const storefront = await t().keyFor('storefront');
    const order = await placed(storefront);
    const post = (path: string, payload: object, token?: string) =>
      t().request({
        method: 'POST',
        url: `/v1/orders/${order.id}/${path}`,
        key: storefront,
        payload,
        headers: token ? { 'order-access-token': token } : {},
      });
    for (const [path, payload] of [
      ['cancel', {}],
      ['confirm-receipt', {}],
      ['payments', { provider: 'sandbox' }],
      ['returns', { kind: 'refund_only', reason: 'damaged', lines: [] }],
    ] as const) {
      expectProblem(await post(path, payload), 403, 'forbidden');
      expectProblem(await post(path, payload, 'oat_not-this-one'), 404, 'not_found');
    }
    const untouched = (await t().request({ method: 'GET', url: `/v1/orders/${order.id}` })).json();
    expect(untouched).toMatchObject({ status: 'pending_payment', version: 1, payments: [] });

    // an intent checks the token on the order it locks, but a stored answer goes out before any
    // command runs: with an Idempotency-Key, the token is checked first
    const keyed = (token: string) =>
      t().request({
        method: 'POST',
        url: `/v1/orders/${order.id}/payments`,
        key: storefront,
        payload: { provider: 'sandbox', amount: 1 },
        headers: { 'order-access-token': token, 'idempotency-key': 'pay-one-unit' },
      });
    expect((await keyed(order.accessToken)).statusCode).toBe(201);
    expectProblem(await keyed('oat_not-this-one'), 404, 'not_found');
    const replayed = await keyed(order.accessToken);
    expect(replayed.statusCode, replayed.body).toBe(201);
    expect(replayed.headers['idempotent-replayed']).toBe('true');

    const payment = await post('payments', { provider: 'sandbox' }, order.accessToken);
    expect(payment.statusCode, payment.body).toBe(201);
    const cancelled = await post('cancel', { reason: 'changed my mind' }, order.accessToken);
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    expect(cancelled.json().status).toBe('cancelled');
  });

  it('gives the token with a checkout and with a flash-sale order, queued or not', async () => {
    const storefront = await t().keyFor('storefront');
    const sku = await stockedSku(t(), 10);
    const cart = (
      await t().request({ method: 'POST', url: '/v1/carts', key: storefront, payload: {} })
    ).json();
    await t().request({
      method: 'POST',
      url: `/v1/carts/${cart.id}/items`,
      key: storefront,
      payload: { sku: sku.sku, quantity: 1 },
    });
    const { lines: _, ...checkout } = orderBody([]);
    const res = await t().request({
      method: 'POST',
      url: `/v1/carts/${cart.id}/checkout`,
      key: storefront,
      payload: checkout,
    });
    expect(res.statusCode, res.body).toBe(201);
    const order = res.json();
    const read = (id: string, token: string) =>
      t().request({
        method: 'GET',
        url: `/v1/orders/${id}`,
        key: storefront,
        headers: { 'order-access-token': token },
      });
    expect((await read(order.id, order.accessToken)).statusCode).toBe(200);

    const sale = await campaign(t(), sku.sku, 5);
    const buy = (query: string, n: number) =>
      t().request({
        method: 'POST',
        url: `/v1/campaigns/${sale.id}/orders${query}`,
        key: storefront,
        payload: buyBody(`access-${n}`),
      });
    const direct = await buy('', 1);
    expect(direct.statusCode, direct.body).toBe(201);
    expect((await read(direct.json().id, direct.json().accessToken)).statusCode).toBe(200);
    const queued = await buy('?queued=true', 2);
    expect(queued.statusCode, queued.body).toBe(202);
    const ticket = await settledTicket(t(), queued.json().id);
    expect(ticket.status).toBe('placed');
    expect((await read(ticket.orderId!, queued.json().accessToken)).statusCode).toBe(200);
    expectProblem(await read(ticket.orderId!, direct.json().accessToken), 404);
  });

  it("keeps a channel key to its own channel's orders", async () => {
    const channel = await t().keyFor('channel'); // acts for channel web
    const other = await placed(undefined, { channel: 'marketplace' });
    const own = await placed(channel);
    expect(own.channel).toBe('web');
    expectProblem(
      await t().request({
        method: 'POST',
        url: '/v1/orders',
        key: channel,
        payload: orderBody([{ sku: 'any', quantity: 1 }], { channel: 'marketplace' }),
      }),
      403,
      'forbidden',
    );
    const get = (url: string) => t().request({ method: 'GET', url, key: channel });
    expect((await get(`/v1/orders/${own.id}`)).statusCode).toBe(200);
    expectProblem(await get(`/v1/orders/${other.id}`), 404, 'not_found');
    const list = (await get('/v1/orders?limit=200')).json();
    expect(list.data.length).toBeGreaterThan(0);
    expect(list.data.every((o: { channel: string }) => o.channel === 'web')).toBe(true);
    expectProblem(await get('/v1/orders?channel=marketplace'), 403, 'forbidden');
  });

  it('shows a warehouse no customer contact and finance no addresses', async () => {
    const order = await placed();
    const warehouse = await t().keyFor('warehouse');
    const finance = await t().keyFor('finance');
    const get = (key: string, url: string) => t().request({ method: 'GET', url, key });

    const shipping = (await get(warehouse, `/v1/orders/${order.id}`)).json();
    expect(shipping.customer).toBeNull();
    expect(shipping.addresses.home).toMatchObject({ name: 'Li Lei', line1: '88 Century Avenue' });
    const listed = (await get(warehouse, `/v1/orders?q=${order.number}`)).json();
    expect(listed.data.map((o: { id: string }) => o.id)).toEqual([order.id]);
    expect(listed.data[0].customer).toBeNull();
    // No looking customers up by their contact either.
    expect((await get(warehouse, `/v1/orders?q=${order.customer.email}`)).json().data).toEqual([]);
    expectProblem(await get(warehouse, `/v1/orders?customer=${order.customer.email}`), 403, 'forbidden');

    const money = (await get(finance, `/v1/orders/${order.id}`)).json();
    expect(money.addresses).toEqual({});
    expect(money.customer.email).toBe(order.customer.email);
    expect(money.totals.grandTotal).toBeGreaterThan(0);
  });

  it('makes channel keys name their channel, and only them', async () => {
    const create = (payload: object) => t().request({ method: 'POST', url: '/v1/api-keys', payload });
    expectProblem(await create({ name: 'shop', role: 'channel' }), 400, 'validation_failed');
    expectProblem(
      await create({ name: 'till', role: 'storefront', channel: 'web' }),
      400,
      'validation_failed',
    );
    const made = await create({ name: 'tmall', role: 'channel', channel: 'tmall' });
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json().channel).toBe('tmall');
    const listed = (await t().request({ method: 'GET', url: '/v1/api-keys' })).json();
    expect(listed.data.find((k: { id: string }) => k.id === made.json().id).channel).toBe('tmall');
  });
});
