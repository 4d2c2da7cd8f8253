import fs from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/platform/config.js';
import { ensureSandboxSecret } from '../../src/platform/provider-config.js';
import { orderBody, stockedSku } from '../helpers/factories.js';
import { getOrder, twoWarehouseOrder } from '../helpers/lifecycle.js';
import { postSandboxCallback } from '../helpers/providers.js';
import { createTestApp, expectProblem, type TestApp, useTestApp } from '../helpers/test-app.js';

const dirs: string[] = [];
const freshDir = () => {
  const dir = fs.mkdtempSync(path.join(tmpdir(), 'ordersync-sandbox-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

async function sandboxPayment(t: TestApp, orderId: string) {
  const res = await t.request({
    method: 'POST',
    url: `/v1/orders/${orderId}/payments`,
    payload: { provider: 'sandbox' },
  });
  expect(res.statusCode, res.body).toBe(201);
  return res.json();
}

const sandboxCallback = (t: TestApp, payment: { id: string; amount: number }, secret: string) => {
  const body = JSON.stringify({
    id: `evt-${payment.id}-${secret.length}`,
    type: 'payment.succeeded',
    paymentId: payment.id,
    amount: payment.amount,
    currency: 'CNY',
  });
  return postSandboxCallback(t, body, secret);
};

describe('the payment sandbox as a setting', () => {
  it('is on in the embedded demo, off with DATABASE_URL, and on there only with a secret of its own', () => {
    expect(loadConfig({}).providers).toMatchObject({ sandbox: true, sandboxSecret: undefined });
    expect(loadConfig({ PAYMENT_SANDBOX: 'false' }).providers.sandbox).toBe(false);
    const url = 'postgres://u@127.0.0.1/db';
    expect(loadConfig({ DATABASE_URL: url }).providers.sandbox).toBe(false);
    expect(() => loadConfig({ DATABASE_URL: url, PAYMENT_SANDBOX: 'true' })).toThrow(
      /SANDBOX_PAYMENT_SECRET/,
    );
    expect(
      loadConfig({ DATABASE_URL: url, PAYMENT_SANDBOX: 'true', SANDBOX_PAYMENT_SECRET: 's'.repeat(16) })
        .providers,
    ).toMatchObject({ sandbox: true, sandboxSecret: 's'.repeat(16) });
    expect(() => loadConfig({ PAYMENT_SANDBOX: 'yes' })).toThrow(ConfigError);
    expect(() => loadConfig({ SANDBOX_PAYMENT_SECRET: 'short' })).toThrow(/16 characters/);
  });

  it('makes a secret per data directory when none is set, kept for later starts and readable by its owner only', () => {
    const dir = freshDir();
    const first = ensureSandboxSecret(loadConfig({ DATA_DIR: dir })).providers.sandboxSecret!;
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(ensureSandboxSecret(loadConfig({ DATA_DIR: dir })).providers.sandboxSecret).toBe(first);
    expect((fs.statSync(path.join(dir, 'sandbox-payment-secret')).mode & 0o777).toString(8)).toBe('600');
    expect(ensureSandboxSecret(loadConfig({ DATA_DIR: freshDir() })).providers.sandboxSecret).not.toBe(first);
    // a secret given, or no sandbox, writes nothing
    const other = freshDir();
    ensureSandboxSecret(loadConfig({ DATA_DIR: other, SANDBOX_PAYMENT_SECRET: 'x'.repeat(16) }));
    ensureSandboxSecret(loadConfig({ DATA_DIR: other, PAYMENT_SANDBOX: 'false' }));
    expect(fs.readdirSync(other)).toEqual([]);
  });

  it('refuses a callback signed with the old public default secret, and takes one signed with the generated one', async () => {
    const config = ensureSandboxSecret(loadConfig({ LOG_LEVEL: 'silent', DATA_DIR: freshDir() }));
    const t = await createTestApp({ dataDir: config.dataDir, providers: config.providers });
    try {
      const { order } = await twoWarehouseOrder(t);
      const payment = await sandboxPayment(t, order.id);
      expectProblem(await sandboxCallback(t, payment, 'ordersync-sandbox-secret'), 401, 'unauthorized');
      expect((await getOrder(t, order.id)).status).toBe('pending_payment');
      const ok = await sandboxCallback(t, payment, config.providers.sandboxSecret!);
      expect(ok.statusCode, ok.body).toBe(200);
      expect((await getOrder(t, order.id)).status).toBe('paid');
    } finally {
      await t.app.close();
      await t.database.close();
    }
  });

  describe('switched on (the embedded demo)', () => {
    const t = useTestApp();

    it('pays through the sandbox for an admin only; a storefront key cannot mark an order paid', async () => {
      const { order } = await twoWarehouseOrder(t());
      // (a storefront key would need the order's access token here: test/order-access.test.ts)
      const created = await t().request({
        method: 'POST',
        url: `/v1/orders/${order.id}/payments`,
        key: await t().keyFor('support'),
        payload: { provider: 'sandbox' },
      });
      expect(created.statusCode, created.body).toBe(201);
      const payment = created.json();
      for (const role of ['storefront', 'support', 'finance', 'channel', 'warehouse'] as const) {
        const key = await t().keyFor(role);
        expectProblem(
          await t().request({ method: 'POST', url: `/v1/payments/${payment.id}/pay`, key }),
          403,
          'forbidden',
        );
      }
      expect((await getOrder(t(), order.id)).status).toBe('pending_payment');
      const paid = await t().request({ method: 'POST', url: `/v1/payments/${payment.id}/pay` });
      expect(paid.json()).toMatchObject({ status: 'paid' });
      expect((await getOrder(t(), order.id)).status).toBe('paid');
    });

    it('refuses an order for a payment method that is not configured here, naming the configured ones', async () => {
      const item = await stockedSku(t(), 5);
      for (const method of ['alipay', 'wechatpay']) {
        const res = await t().request({
          method: 'POST',
          url: '/v1/orders',
          payload: orderBody([{ sku: item.sku, quantity: 1 }], { paymentMethod: method }),
        });
        const problem = expectProblem(res, 422, 'unprocessable');
        expect(problem.detail).toContain(`${method} is not configured here; configured: cod, sandbox`);
        expect(problem.errors).toEqual([
          { field: 'body.paymentMethod', message: 'must be one of cod, sandbox' },
        ]);
        expect(problem.configuredPaymentMethods).toEqual(['cod', 'sandbox']);
      }
      // the same through a cart's checkout; nothing was reserved
      const cart = (await t().request({ method: 'POST', url: '/v1/carts', payload: {} })).json();
      await t().request({
        method: 'POST',
        url: `/v1/carts/${cart.id}/items`,
        payload: { sku: item.sku, quantity: 1 },
      });
      const checkout = await t().request({
        method: 'POST',
        url: `/v1/carts/${cart.id}/checkout`,
        payload: { ...orderBody([]), lines: undefined, paymentMethod: 'alipay' },
      });
      expectProblem(checkout, 422, 'unprocessable');
      const stock = await t()
        .db.selectFrom('stock_levels')
        .select('reserved')
        .where('sku', '=', item.sku)
        .executeTakeFirstOrThrow();
      expect(stock.reserved).toBe(0);
    });
  });

  describe('switched off (the default with DATABASE_URL)', () => {
    const t = useTestApp({
      providers: { ...loadConfig({ LOG_LEVEL: 'silent', PAYMENT_SANDBOX: 'false' }).providers },
    });

    it('takes no sandbox order, intent, pay action or callback', async () => {
      const item = await stockedSku(t(), 5);
      const refused = await t().request({
        method: 'POST',
        url: '/v1/orders',
        payload: orderBody([{ sku: item.sku, quantity: 1 }], { paymentMethod: 'sandbox' }),
      });
      expect(expectProblem(refused, 422, 'unprocessable').detail).toContain('configured: cod');
      const cod = await t().request({
        method: 'POST',
        url: '/v1/orders',
        payload: orderBody([{ sku: item.sku, quantity: 1 }], { paymentMethod: 'cod' }),
      });
      expect(cod.statusCode, cod.body).toBe(201);
      const { order } = await twoWarehouseOrder(t(), 'cod');
      expectProblem(
        await t().request({
          method: 'POST',
          url: `/v1/orders/${order.id}/payments`,
          payload: { provider: 'sandbox' },
        }),
        422,
      );
      expectProblem(
        await sandboxCallback(t(), { id: order.id, amount: 1 }, 'ordersync-sandbox-secret'),
        404,
        'not_found',
      );
    });
  });
});
