import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { address, createProduct, orderBody, stockedSku } from './helpers/factories.js';
import { genericPush, kuaidi100Push } from './helpers/lifecycle.js';
import { postSandboxCallback, providerConfig } from './helpers/providers.js';
import { expectProblem, type TestApp, useTestApp } from './helpers/test-app.js';

interface Attempt {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  /** An object is sent as JSON; a string is sent as is. */
  payload?: unknown;
  headers?: Record<string, string>;
}

/** A fingerprint of every row of every table, to prove a refused request changed nothing. */
// The audit trail records every write attempt, refused ones too (who tried what is its point): it is
// checked apart — refusals may add request records with their 4xx, and nothing else.
// Refused placements are logged by design too (order_refusals: analytics counts stockouts and refused
// checkouts), after the refused transaction: checked apart as well — only refusal rows.
const AUDIT_TABLES = new Set(['audit_log', 'audit_unsealed', 'order_refusals']);

async function fingerprint(t: TestApp): Promise<Record<string, string>> {
  const { rows } = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = current_schema() and table_type = 'BASE TABLE' and table_name not like 'kysely_%'
    order by table_name`.execute(t.db);
  const out: Record<string, string> = {
    refusalsNotOfPlacements: String(
      (
        await sql<{ n: number }>`select count(*)::int as n from order_refusals
          where source not in ('order', 'checkout')`.execute(t.db)
      ).rows[0]?.n,
    ),
    auditedOtherThanRefusals: String(
      (
        await sql<{ n: number }>`select count(*)::int as n from audit_log
          where kind <> 'request' or outcome is null or outcome < 400`.execute(t.db)
      ).rows[0]?.n,
    ),
  };
  for (const { table_name } of rows) {
    if (AUDIT_TABLES.has(table_name)) continue;
    const r = await sql<{
      h: string | null;
    }>`select md5(string_agg(x::text, '|' order by x::text)) as h from ${sql.table(table_name)} x`.execute(
      t.db,
    );
    out[table_name] = r.rows[0]?.h ?? 'empty';
  }
  return out;
}

const without = (obj: Record<string, unknown>, path: string[]): Record<string, unknown> => {
  const copy = structuredClone(obj);
  let node: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  delete node[path.at(-1)!];
  return copy;
};
const withValue = (
  obj: Record<string, unknown>,
  path: (string | number)[],
  value: unknown,
): Record<string, unknown> => {
  const copy = structuredClone(obj);
  let node: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1)!] = value;
  return copy;
};

const cursorOf = (json: string) => Buffer.from(json).toString('base64url');

/** One raw HTTP/1.1 exchange, for what app.inject cannot send (oversized headers, broken framing). */
function rawExchange(port: number, request: string): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.end(request));
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString('utf8');
    });
    socket.on('error', (err) => (text ? undefined : reject(err)));
    socket.on('close', () => {
      const [head = '', body = ''] = text.split('\r\n\r\n');
      resolve({
        status: Number(head.split(' ')[1]),
        type: /content-type: ([^\r\n]+)/i.exec(head)?.[1] ?? '',
        body,
      });
    });
  });
}

describe('bad input', () => {
  const t = useTestApp({ providers: providerConfig() });

  it('answers 100+ malformed requests with 4xx problem+json and changes no row', async () => {
    const s = await stockedSku(t(), 10);
    const [draftSku] = await createProduct(t(), [100]);
    await t().request({
      method: 'PATCH',
      url: `/v1/products/${draftSku!.productId}`,
      payload: { status: 'draft' },
    });
    const order = (
      await t().request({
        method: 'POST',
        url: '/v1/orders',
        payload: orderBody([{ sku: s.sku, quantity: 1 }]),
      })
    ).json();
    const cart = (await t().request({ method: 'POST', url: '/v1/carts', payload: {} })).json();
    const good = orderBody([{ sku: s.sku, quantity: 1 }]) as Record<string, unknown>;
    const mb = 'x'.repeat(1024 * 1024);
    const missingUuid = '0190a0a0-0000-7000-8000-000000000000';

    const attempts: Attempt[] = [];
    const post = (name: string, payload: unknown, url = '/v1/orders', headers?: Record<string, string>) =>
      attempts.push({ name, method: 'POST', url, payload, headers });

    // Broken JSON and wrong content types
    for (const raw of [
      '{',
      '{"customer":',
      'nul',
      '[',
      '{"a":1,}',
      "{'a':1}",
      '{"lines": [}',
      '{}x',
      '{"q": NaN}',
      '\u0000\u0001',
      '"just a string"',
      '123',
      'true',
      '[]',
    ]) {
      post(`broken json ${JSON.stringify(raw)}`, raw, '/v1/orders', { 'content-type': 'application/json' });
    }
    for (const type of [
      'text/plain',
      'application/xml',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'image/png',
    ]) {
      post(`content type ${type}`, JSON.stringify(good), '/v1/orders', { 'content-type': type });
    }
    post('empty json body', '', '/v1/orders', { 'content-type': 'application/json' });

    // Missing fields
    for (const path of [['customer'], ['lines'], ['addresses'], ['paymentMethod'], ['customer', 'email']]) {
      post(`missing ${path.join('.')}`, without(good, path));
    }
    for (const field of ['sku', 'quantity'])
      post(
        `missing line ${field}`,
        withValue(good, ['lines', 0], without({ sku: s.sku, quantity: 1 }, [field])),
      );
    for (const field of ['name', 'phone', 'country', 'city', 'line1']) {
      post(`missing address ${field}`, withValue(good, ['addresses', 'home'], without(address(), [field])));
    }

    // Wrong types
    const wrongTypes: Array<[(string | number)[], unknown]> = [
      [['customer'], 'someone'],
      [['lines'], { sku: s.sku }],
      [['lines', 0, 'quantity'], '1'],
      [['lines', 0, 'quantity'], 1.5],
      [['lines', 0, 'quantity'], true],
      [['lines', 0, 'sku'], 123],
      [['customer', 'email'], 5],
      [['addresses'], [address()]],
      [['paymentMethod'], 1],
      [['channel'], 3],
      [['note'], {}],
      [['lines', 0], 'sku'],
      [['addresses', 'home'], 'Shanghai'],
      [['customer', 'phone'], 13800138000],
      [['lines', 0, 'shipTo'], 1],
    ];
    for (const [path, value] of wrongTypes)
      post(`wrong type ${path.join('.')}=${JSON.stringify(value)}`, withValue(good, path, value));

    // Out-of-range and impossible values
    for (const q of [0, -1, 1e9, 1000, null, 2 ** 53, -0.5])
      post(`quantity ${q}`, withValue(good, ['lines', 0, 'quantity'], q));
    post('no lines', withValue(good, ['lines'], []));
    post(
      '10 000 lines',
      withValue(
        good,
        ['lines'],
        Array.from({ length: 10_000 }, () => ({ sku: s.sku, quantity: 1 })),
      ),
    );
    post(
      '101 lines',
      withValue(
        good,
        ['lines'],
        Array.from({ length: 101 }, () => ({ sku: s.sku, quantity: 1 })),
      ),
    );
    post('no addresses', withValue(good, ['addresses'], {}));
    post(
      '11 addresses',
      withValue(
        good,
        ['addresses'],
        Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`a${i}`, address()])),
      ),
    );
    post('1 MB note', withValue(good, ['note'], mb));
    post('1 MB sku', withValue(good, ['lines', 0, 'sku'], mb.slice(0, 1000 * 1000)));
    post('long sku', withValue(good, ['lines', 0, 'sku'], 'S'.repeat(65)));
    post('long email', withValue(good, ['customer', 'email'], `${'a'.repeat(300)}@example.com`));
    post('invalid email', withValue(good, ['customer', 'email'], 'not-an-email'));
    post('country of 3 letters', withValue(good, ['addresses', 'home', 'country'], 'CHN'));
    post('lowercase country', withValue(good, ['addresses', 'home', 'country'], 'cn'));
    post('unknown payment method', withValue(good, ['paymentMethod'], 'bitcoin'));
    post('channel with spaces', withValue(good, ['channel'], 'Web Shop!'));
    post('address key with spaces', withValue(good, ['addresses'], { 'my home': address() }));
    post('phone of letters', withValue(good, ['addresses', 'home', 'phone'], 'call me'));

    // Unknown fields (the client may not set prices or totals)
    post('unknown top-level field', { ...good, totals: { grandTotal: 1 } });
    post('client price on a line', withValue(good, ['lines', 0], { sku: s.sku, quantity: 1, unitPrice: 1 }));
    post('unknown customer field', withValue(good, ['customer', 'vip'], true));
    post('unknown address field', withValue(good, ['addresses', 'home', 'floor'], 3));
    post('__proto__ field', '{"__proto__": {"admin": true}, "customer": {"email": "a@b.cn"}}', '/v1/orders', {
      'content-type': 'application/json',
    });
    post('constructor field', { ...good, constructor: { prototype: {} } });

    // Refused by business rules, after validation
    post('unknown sku', withValue(good, ['lines', 0, 'sku'], 'NO-SUCH-SKU'));
    post('draft product', withValue(good, ['lines', 0, 'sku'], draftSku!.sku));
    post('more than in stock', withValue(good, ['lines', 0, 'quantity'], 999));
    post('shipTo names no address', withValue(good, ['lines', 0, 'shipTo'], 'office'));
    post('too long idempotency key', good, '/v1/orders', { 'idempotency-key': 'k'.repeat(300) });

    // Query strings and path parameters
    for (const q of [
      'limit=0',
      'limit=abc',
      'limit=100000',
      'status=lost',
      'from=yesterday',
      'to=2024-13-45',
      'cursor=!!!',
      'cursor=e30',
      'unknown=1',
      'q=',
    ]) {
      attempts.push({ name: `GET /v1/orders?${q}`, method: 'GET', url: `/v1/orders?${q}` });
    }
    attempts.push({ name: 'order id not a uuid', method: 'GET', url: '/v1/orders/42' });
    attempts.push({ name: 'order id unknown', method: 'GET', url: `/v1/orders/${missingUuid}` });
    attempts.push({
      name: 'sql in id',
      method: 'GET',
      url: `/v1/orders/${encodeURIComponent("1' or '1'='1")}`,
    });
    for (const q of ['after=nope', 'limit=0', 'limit=5000', `after=${missingUuid}`]) {
      attempts.push({ name: `GET /v1/events?${q}`, method: 'GET', url: `/v1/events?${q}` });
    }

    // Commands on orders
    post('cancel unknown order', {}, `/v1/orders/${missingUuid}/cancel`);
    post('cancel with string version', { version: 'one' }, `/v1/orders/${order.id}/cancel`);
    post('cancel with stale version', { version: 99 }, `/v1/orders/${order.id}/cancel`);
    post('cancel with garbage If-Match', {}, `/v1/orders/${order.id}/cancel`, { 'if-match': 'soon' });
    post('cancel with unknown field', { reason: 'x', refund: 'all' }, `/v1/orders/${order.id}/cancel`);
    post('cancel with 1 MB reason', { reason: mb }, `/v1/orders/${order.id}/cancel`);
    post('payment with unknown provider', { provider: 'paypal' }, `/v1/orders/${order.id}/payments`);
    post('payment of 0', { provider: 'sandbox', amount: 0 }, `/v1/orders/${order.id}/payments`);
    post(
      'payment over the total',
      { provider: 'sandbox', amount: 10 ** 9 },
      `/v1/orders/${order.id}/payments`,
    );
    post(
      'payment with float amount',
      { provider: 'sandbox', amount: 10.5 },
      `/v1/orders/${order.id}/payments`,
    );
    post('pay unknown payment', undefined, `/v1/payments/${missingUuid}/pay`);

    // Carts
    post('cart with bad currency', { currency: 'yuan' }, '/v1/carts');
    post('cart item unknown sku', { sku: 'NOPE', quantity: 1 }, `/v1/carts/${cart.id}/items`);
    post('cart item quantity 0', { sku: s.sku, quantity: 0 }, `/v1/carts/${cart.id}/items`);
    post('cart item quantity string', { sku: s.sku, quantity: 'two' }, `/v1/carts/${cart.id}/items`);
    post('cart item into unknown cart', { sku: s.sku, quantity: 1 }, `/v1/carts/${missingUuid}/items`);
    post('cart id not a uuid', { sku: s.sku, quantity: 1 }, '/v1/carts/cart-1/items');
    post(
      'checkout empty cart',
      { customer: { email: 'a@b.cn' }, addresses: { home: address() }, paymentMethod: 'sandbox' },
      `/v1/carts/${cart.id}/checkout`,
    );
    post(
      'checkout without addresses',
      { customer: { email: 'a@b.cn' }, paymentMethod: 'sandbox' },
      `/v1/carts/${cart.id}/checkout`,
    );
    attempts.push({
      name: 'patch unknown cart item',
      method: 'PATCH',
      url: `/v1/carts/${cart.id}/items/${missingUuid}`,
      payload: { quantity: 2 },
    });
    attempts.push({
      name: 'patch cart item to -3',
      method: 'PATCH',
      url: `/v1/carts/${cart.id}/items/${missingUuid}`,
      payload: { quantity: -3 },
    });
    attempts.push({
      name: 'delete unknown cart item',
      method: 'DELETE',
      url: `/v1/carts/${cart.id}/items/${missingUuid}`,
    });

    // Catalog and inventory writes
    const product = {
      categoryId: missingUuid,
      title: 'X',
      status: 'active',
      attributes: {},
      variants: [{ sku: 'BAD-1', price: 100, currency: 'CNY' }],
    };
    post('product in unknown category', product, '/v1/products');
    post('product with negative price', withValue(product, ['variants', 0, 'price'], -1), '/v1/products');
    post('product with float price', withValue(product, ['variants', 0, 'price'], 9.99), '/v1/products');
    post(
      'product with lowercase currency',
      withValue(product, ['variants', 0, 'currency'], 'cny'),
      '/v1/products',
    );
    post('product with no variants', withValue(product, ['variants'], []), '/v1/products');
    post('product with bad status', withValue(product, ['status'], 'live'), '/v1/products');
    post('product with existing sku', withValue(product, ['variants', 0, 'sku'], s.sku), '/v1/products');
    post('category with bad slug', { name: 'X', slug: 'Not A Slug', attributes: [] }, '/v1/categories');
    post(
      'category with bad attribute type',
      { name: 'X', slug: 'x-bad', attributes: [{ name: 'a', type: 'date', required: true }] },
      '/v1/categories',
    );
    post(
      'warehouse with bad country',
      { code: 'W-BAD', name: 'W', country: 'China', region: 'Shanghai' },
      '/v1/warehouses',
    );
    post(
      'adjustment of 0',
      { sku: s.sku, warehouse: s.warehouse, delta: 0, reason: 'count' },
      '/v1/inventory/adjustments',
    );
    post(
      'adjustment below reserved',
      { sku: s.sku, warehouse: s.warehouse, delta: -10, reason: 'damage' },
      '/v1/inventory/adjustments',
    );
    post(
      'adjustment with unknown reason',
      { sku: s.sku, warehouse: s.warehouse, delta: 1, reason: 'magic' },
      '/v1/inventory/adjustments',
    );
    attempts.push({
      name: 'set negative on hand',
      method: 'PUT',
      url: `/v1/inventory/${s.sku}/${s.warehouse}`,
      payload: { onHand: -5 },
    });
    attempts.push({
      name: 'set on hand below reserved',
      method: 'PUT',
      url: `/v1/inventory/${s.sku}/${s.warehouse}`,
      payload: { onHand: 0 },
    });
    attempts.push({
      name: 'set stock of unknown sku',
      method: 'PUT',
      url: `/v1/inventory/NOPE/${s.warehouse}`,
      payload: { onHand: 5 },
    });
    attempts.push({
      name: 'set stock in unknown warehouse',
      method: 'PUT',
      url: `/v1/inventory/${s.sku}/NOPE`,
      payload: { onHand: 5 },
    });
    attempts.push({
      name: 'patch product with unknown field',
      method: 'PATCH',
      url: `/v1/products/${s.productId}`,
      payload: { price: 1 },
    });

    expect(attempts.length).toBeGreaterThanOrEqual(100);
    const before = await fingerprint(t());
    const failures: string[] = [];
    for (const a of attempts) {
      const raw = typeof a.payload === 'string';
      const res = await t().request({
        method: a.method,
        url: a.url,
        ...(a.payload === undefined
          ? {}
          : raw
            ? { payload: a.payload as string }
            : { payload: a.payload as object }),
        headers: a.headers,
      });
      const isProblem = /^application\/problem\+json/.test(String(res.headers['content-type']));
      const body = isProblem ? res.json() : undefined;
      if (
        res.statusCode < 400 ||
        res.statusCode >= 500 ||
        !isProblem ||
        !body?.type ||
        !body?.title ||
        body?.status !== res.statusCode ||
        !body?.detail
      ) {
        failures.push(`${a.name}: ${res.statusCode} ${res.body.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
    expect(await fingerprint(t())).toEqual(before);
  });

  it('refuses NUL and lone surrogates in bodies, query strings and path parameters, naming the field', async () => {
    const s = await stockedSku(t(), 10);
    const storefront = await t().keyFor('storefront');
    const before = await fingerprint(t());
    const placeOrder = (overrides: Record<string, unknown>) => () =>
      t().request({
        method: 'POST',
        url: '/v1/orders',
        key: storefront,
        payload: orderBody([{ sku: s.sku, quantity: 1 }], overrides),
      });
    const get = (url: string) => () => t().request({ method: 'GET', url });
    const cases: Array<[string, () => ReturnType<TestApp['request']>, string]> = [
      [
        'NUL in a storefront order',
        placeOrder({ customer: { email: 'a@example.com', name: '\u0000' } }),
        'body.customer.name',
      ],
      [
        'lone surrogate in address text',
        placeOrder({ addresses: { home: address({ line1: 'Room \ud800 1' }) } }),
        'body.addresses.home.line1',
      ],
      ['NUL in a query string', get('/v1/inventory?sku=a%00b'), 'querystring.sku'],
      ['NUL as a path parameter', get('/v1/warehouses/%00'), 'params.warehouse'],
      [
        'NUL in an object key',
        () =>
          t().request({
            method: 'PATCH',
            url: `/v1/products/${s.productId}`,
            payload: { attributes: { 'a\u0000': 'x' } },
          }),
        'body.attributes',
      ],
    ];
    for (const [name, send, field] of cases) {
      const body = expectProblem(await send(), 400, 'validation_failed');
      expect(body.errors.map((e: { field: string }) => e.field).join(), name).toContain(field);
    }
    expect(await fingerprint(t())).toEqual(before);
  });

  it('refuses cursors it did not give out and numbers past what the database holds', async () => {
    for (const url of [
      `/v1/orders?cursor=WyJ6eiIsMWUrMzA4XQ`,
      `/v1/orders?cursor=${cursorOf('[]')}`,
      `/v1/orders?cursor=${cursorOf('["2025-01-01T00:00:00Z","\\u0000"]')}`,
      `/v1/inventory?cursor=${cursorOf('["a\\u0000","b"]')}`,
      `/v1/warehouses?cursor=${cursorOf('[1]')}`,
      `/v1/inventory/adjustments?cursor=${cursorOf('["x"]')}`,
      `/v1/returns?cursor=${cursorOf('[null]')}`,
      `/v1/products?cursor=${cursorOf('["newest","\\ud800","x"]')}`,
    ]) {
      const body = expectProblem(await t().request({ method: 'GET', url }), 400, 'validation_failed');
      expect(body.errors, url).toEqual([
        { field: 'querystring.cursor', message: 'is not a cursor this list gave out' },
      ]);
    }
    for (const value of ['1e308', 'Infinity', '-Infinity', '99999999999999999999999']) {
      const res = await t().request({ method: 'GET', url: `/v1/products?price_min=${value}` });
      expect(expectProblem(res, 400, 'validation_failed').errors[0].field).toBe('querystring.price_min');
    }
    const limit = await t().request({ method: 'GET', url: '/v1/inventory?limit=-Infinity' });
    expectProblem(limit, 400, 'validation_failed');
  });

  it('refuses a signed carrier push whose events are not events, or too many to store at once', async () => {
    const event = { id: 'e1', time: '2026-11-22T08:00:00Z', status: 'in_transit', description: 'Sorted' };
    const pushes = [
      [null],
      ['in transit'],
      [{ ...event, time: 5 }],
      Array.from({ length: 10_000 }, (_, i) => ({ ...event, id: `e${i}` })),
    ];
    for (const events of pushes) {
      const res = await genericPush(t(), 'sf', 'SF-NO-SUCH', events as never);
      expectProblem(res, 400, 'validation_failed');
    }
    const kuaidi100 = await kuaidi100Push(t(), 'shunfeng', 'SF-NO-SUCH', [null] as never);
    expectProblem(kuaidi100, 400, 'validation_failed');
  });

  it('refuses a signed payment callback whose notice is not one, before it reaches the database', async () => {
    const callback = (body: string) => postSandboxCallback(t(), body);
    const event = {
      id: 'evt-1',
      type: 'payment.succeeded',
      paymentId: '0190a0a0-0000-7000-8000-000000000000',
      amount: 1,
      currency: 'CNY',
    };
    for (const body of [
      'null',
      JSON.stringify({ ...event, id: '\u0000' }),
      JSON.stringify({ ...event, amount: 1e308 }),
      JSON.stringify({ ...event, currency: 'CNY\ud800' }),
    ]) {
      expectProblem(await callback(body), 400, 'validation_failed');
    }
    // A type named like an Object.prototype member is no known kind: ignored, not a TypeError.
    const odd = await callback(JSON.stringify({ ...event, id: 'evt-2', type: 'constructor' }));
    expect(odd.statusCode, odd.body).toBeLessThan(500);
  });

  it('refuses unknown fields, however large, and changes nothing (PUT /v1/return-rules)', async () => {
    const rules = (await t().request({ method: 'GET', url: '/v1/return-rules' })).json();
    const res = await t().request({
      method: 'PUT',
      url: '/v1/return-rules',
      payload: { region: 'CN', reasonGroup: 'quality', windowDays: 30, extra: 'x'.repeat(900 * 1024) },
    });
    const body = expectProblem(res, 400, 'validation_failed');
    expect(body.errors).toEqual([{ field: 'body.extra', message: 'is not a known field' }]);
    expect((await t().request({ method: 'GET', url: '/v1/return-rules' })).json()).toEqual(rules);
  });

  it("answers the router's and Node's own refusals as problems: 431, 414, bad encoding, not HTTP", async () => {
    await t().app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = t().app.server.address() as AddressInfo;
    const get = (path: string, headers = '') =>
      `GET ${path} HTTP/1.1\r\nHost: localhost\r\n${headers}Connection: close\r\n\r\n`;
    const cases: Array<[string, string, number]> = [
      ['oversized header', get('/v1/orders', `X-Big: ${'x'.repeat(20_000)}\r\n`), 431],
      ['oversized URL', get(`/v1/orders?q=${'x'.repeat(20_000)}`), 431],
      ['too long path parameter', get(`/v1/warehouses/${'W'.repeat(150)}`), 414],
      ['bad percent-encoding', get('/v1/warehouses/%zz'), 400],
      ['not HTTP', 'HELLO THERE\r\n\r\n', 400],
    ];
    for (const [name, request, status] of cases) {
      const res = await rawExchange(port, request);
      expect(res.status, name).toBe(status);
      expect(res.type, name).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(res.body), name).toMatchObject({
        status,
        type: expect.any(String),
        title: expect.any(String),
      });
    }
  });
});
