import { describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/platform/auth/roles.js';
import { twoWarehouseOrder } from '../helpers/lifecycle.js';
import { useTestApp } from '../helpers/test-app.js';

const ALL = [...ROLES];

/**
 * Who may call each order and payment operation: the documented list this test holds the API to.
 * Money counts as received only on a verified provider message, so the two operations that mark it
 * received without one (the sandbox's pay, and capturing a sandbox authorization) are admin only.
 * Finance settles money a provider did report but that did not match (resolve: accept or refund).
 * Refunds only give money back, through the provider; the buyer's storefront key, with the order's
 * access token, may open an intent (the provider then says whether money came) and cancel before
 * shipment (which refunds).
 */
const ALLOWED: Record<string, readonly Role[]> = {
  'POST /v1/orders': ['admin', 'support', 'channel', 'storefront'],
  'GET /v1/orders': ['admin', 'support', 'warehouse', 'finance', 'channel'],
  'GET /v1/orders/{id}': ALL,
  'POST /v1/orders/{id}/cancel': ['admin', 'support', 'storefront'],
  'POST /v1/orders/{id}/confirm-receipt': ['admin', 'support', 'storefront'],
  'POST /v1/orders/{id}/payments': ['admin', 'support', 'finance', 'storefront'],
  'POST /v1/orders/{id}/shipments': ['admin', 'support', 'warehouse'],
  'POST /v1/orders/{id}/returns': ['admin', 'support', 'storefront'],
  'POST /v1/orders/{id}/notes': ['admin', 'support'],
  'POST /v1/orders/{id}/pii-views': ['admin', 'support'],
  // Edits refund an excess or open a payment for what is due; claims end in a refund, a replacement
  // or a compensation, decided by staff (the resolve operations are not under /v1/orders).
  'POST /v1/orders/{id}/edits': ['admin', 'support', 'storefront'],
  'GET /v1/orders/{id}/edits': ['admin', 'support', 'finance', 'storefront'],
  'GET /v1/orders/{id}/shipping-options': ['admin', 'support', 'storefront'],
  'POST /v1/orders/{id}/claims': ['admin', 'support', 'storefront'],
  'GET /v1/orders/{id}/claims': ['admin', 'support', 'finance', 'storefront'],
  'GET /v1/payments/{id}': ['admin', 'support', 'finance', 'storefront'],
  'POST /v1/payments/{id}/pay': ['admin'],
  'POST /v1/payments/{id}/capture': ['admin'],
  'POST /v1/payments/{id}/query': ['admin', 'support', 'finance'],
  'POST /v1/payments/{id}/refunds': ['admin', 'support', 'finance'],
  'POST /v1/payments/{id}/resolve': ['admin', 'finance'],
};

/** Mark money received with no provider message behind it. */
const MONEY_IN_WITHOUT_PROVIDER = ['POST /v1/payments/{id}/pay', 'POST /v1/payments/{id}/capture'];

describe('who may change money and orders', () => {
  const t = useTestApp();

  it("walks every order and payment operation in /openapi.json with each role's key", async () => {
    const doc = (await t().request({ method: 'GET', url: '/openapi.json', key: null })).json() as {
      paths: Record<string, Record<string, { 'x-roles'?: string[] }>>;
    };
    const operations = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/v1/orders') || path.startsWith('/v1/payments'))
      .flatMap(([path, ops]) =>
        Object.entries(ops).map(([method, op]) => ({
          key: `${method.toUpperCase()} ${path}`,
          path,
          method,
          op,
        })),
      );
    // a new operation has to be added to the list above, with who may call it
    expect(operations.map((o) => o.key).sort()).toEqual(Object.keys(ALLOWED).sort());
    for (const key of MONEY_IN_WITHOUT_PROVIDER) expect(ALLOWED[key]).toEqual(['admin']);

    const { order } = await twoWarehouseOrder(t());
    const payment = (
      await t().request({
        method: 'POST',
        url: `/v1/orders/${order.id}/payments`,
        payload: { provider: 'sandbox' },
      })
    ).json();
    const keys = new Map<Role, string>([['admin', t().adminKey]]);
    for (const role of ROLES) if (role !== 'admin') keys.set(role, await t().keyFor(role));

    const seen: Record<string, Role[]> = {};
    for (const { key, path, method, op } of operations) {
      // the document says what the list says
      expect([...(op['x-roles'] ?? [])].sort(), key).toEqual([...ALLOWED[key]!].sort());
      const url = path.startsWith('/v1/payments')
        ? path.replace('{id}', payment.id)
        : path.replace('{id}', order.id);
      seen[key] = [];
      for (const role of ROLES) {
        const res = await t().request({
          method: method.toUpperCase() as 'GET' | 'POST',
          url,
          key: keys.get(role)!,
          // the buyer's proof of the order, without which a storefront key reaches none (order-access.test.ts)
          headers: path.startsWith('/v1/orders/') ? { 'order-access-token': order.accessToken } : {},
          ...(method === 'post' ? { payload: {} } : {}),
        });
        expect(res.statusCode, `${key} as ${role}: ${res.body}`).toBeLessThan(500);
        expect(res.statusCode, `${key} as ${role}`).not.toBe(401);
        if (res.statusCode !== 403) seen[key].push(role);
      }
    }
    expect(seen).toEqual(
      Object.fromEntries(
        Object.entries(ALLOWED).map(([k, roles]) => [
          k,
          [...roles].sort((a, b) => ROLES.indexOf(a) - ROLES.indexOf(b)),
        ]),
      ),
    );
  });
});
