import { describe, expect, it } from 'vitest';
import { retryAfterMs, WooStock } from './woo-stock.js';

describe('a Retry-After header', () => {
  it('is read as seconds or as an HTTP date, and not at all when it is neither', () => {
    const now = Date.parse('2026-12-06T10:00:00Z');
    expect(retryAfterMs('1', now)).toBe(1000);
    expect(retryAfterMs('0', now)).toBe(0);
    expect(retryAfterMs('120', now)).toBe(120_000);
    expect(retryAfterMs('Sun, 06 Dec 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(retryAfterMs('Sun, 06 Dec 2026 09:59:00 GMT', now)).toBe(0);
    expect(retryAfterMs(null, now)).toBeUndefined();
    expect(retryAfterMs('soon', now)).toBeUndefined();
    expect(retryAfterMs('-5', now)).toBeUndefined();
  });
});

describe('the WooCommerce stock target', () => {
  it('sets products in products/batch and variations in their product’s variations/batch, reading each item’s answer', async () => {
    const sent: Array<{ method: string; path: string; auth: string | null; body: unknown }> = [];
    const json = (body: unknown, headers: Record<string, string> = {}) =>
      new Response(JSON.stringify(body), {
        status: 200,
        headers: { 'content-type': 'application/json', ...headers },
      });
    const fetchFn = (async (input: string | URL | Request, init?: RequestInit) => {
      const url = new URL(String(input));
      sent.push({
        method: init?.method ?? 'GET',
        path: `${url.pathname}${url.search}`,
        auth: new Headers(init?.headers).get('authorization'),
        body: init?.body ? JSON.parse(String(init.body)) : undefined,
      });
      if (url.pathname === '/wp-json/wc/v3/products')
        return json(
          [
            { id: 10, parent_id: 0, sku: 'A', type: 'simple' },
            { id: 21, parent_id: 20, sku: 'SITE-B', type: 'variation' },
            { id: 31, parent_id: 30, sku: 'D', type: 'variation' },
          ],
          { 'x-wp-totalpages': '1' },
        );
      if (url.pathname === '/wp-json/wc/v3/products/batch')
        return json({ update: [{ id: 10, stock_quantity: 5 }] });
      if (url.pathname === '/wp-json/wc/v3/products/20/variations/batch')
        return json({
          update: [
            {
              id: 21,
              error: {
                code: 'woocommerce_rest_product_variation_invalid_id',
                message: 'Invalid ID.',
                data: { status: 400 },
              },
            },
          ],
        });
      return json({
        update: [
          {
            id: 31,
            error: { code: 'woocommerce_rest_cannot_edit', message: 'Not allowed.', data: { status: 400 } },
          },
        ],
      });
    }) as typeof fetch;
    const target = new WooStock(
      'https://shop.example',
      { consumerKey: 'ck_1', consumerSecret: 'cs_2' },
      async () => new Map([['B', ['SITE-B']]]),
      fetchFn,
      100,
    );
    const outcome = await target.push(
      [
        { sku: 'A', level: 5, compare: null },
        { sku: 'B', level: 6, compare: null },
        { sku: 'C', level: 7, compare: null },
        { sku: 'D', level: 8, compare: null },
      ],
      { until: Date.now() + 10_000 },
    );
    expect(outcome).toMatchObject({
      acked: ['A'],
      absent: ['C', 'B'],
      failed: [{ sku: 'D', message: 'woocommerce_rest_cannot_edit: Not allowed.' }],
      throttled: 0,
    });
    expect(outcome.error).toBeUndefined();
    expect(sent.map((s) => `${s.method} ${s.path}`)).toEqual([
      'GET /wp-json/wc/v3/products?sku=A%2CSITE-B%2CC%2CD&per_page=100&page=1',
      'POST /wp-json/wc/v3/products/batch',
      'POST /wp-json/wc/v3/products/20/variations/batch',
      'POST /wp-json/wc/v3/products/30/variations/batch',
    ]);
    expect(new Set(sent.map((s) => s.auth))).toEqual(
      new Set([`Basic ${Buffer.from('ck_1:cs_2').toString('base64')}`]),
    );
    expect(sent[1]!.body).toEqual({ update: [{ id: 10, manage_stock: true, stock_quantity: 5 }] });
    expect(sent[2]!.body).toEqual({ update: [{ id: 21, manage_stock: true, stock_quantity: 6 }] });
  });
});
