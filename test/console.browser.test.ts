import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import axe from 'axe-core';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type HistoricalOrder, importHistoricalOrders } from '../src/modules/orders/index.js';
import type { Relay } from '../src/modules/sync/index.js';
import { seedDemoData } from '../src/seed.js';
import { launchChromium } from './helpers/chromium.js';
import {
  createSubscription,
  startReceiver,
  startRelay,
  waitFor,
  webhookTransport,
  withSync,
} from './helpers/sync.js';
import { createTestApp, type TestApp } from './helpers/test-app.js';

// The admin console in Debian's Chromium (never a downloaded browser), against the real app on
// PGlite with the demo data, a few orders, and a webhook receiver that fails until told otherwise.
// Screenshots go to docs/screenshots only when asked (UPDATE_SCREENSHOTS=1), so `npm test` leaves git clean.
const SHOTS = process.env.UPDATE_SCREENSHOTS
  ? join(import.meta.dirname, '../docs/screenshots')
  : mkdtempSync(join(tmpdir(), 'console-shots-'));
const SHIP_PHONE = '+8613912345678';

describe('admin console in a browser', () => {
  let t: TestApp;
  let base: string;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let page: Page;
  let relay: Relay;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let failing = true;
  const orders: { id: string; number: string }[] = [];

  const api = async (method: string, url: string, payload?: object, key?: string) => {
    const res = await t.request({ method: method as 'POST', url, payload, key });
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
    return res.json();
  };

  async function placeOrder(sku: string, phone: string, pay: boolean) {
    const order = await api('POST', '/v1/orders', {
      customer: { email: `buyer${orders.length}@example.com`, phone, name: `Buyer ${orders.length + 1}` },
      lines: [{ sku, quantity: 2 }],
      addresses: {
        home: {
          name: 'Li Lei',
          phone,
          country: 'CN',
          province: 'Shanghai',
          city: 'Shanghai',
          line1: '88 Century Avenue',
        },
      },
      paymentMethod: 'sandbox',
      channel: orders.length % 2 ? 'tmall' : 'web',
    });
    if (pay) {
      const payment = await api('POST', `/v1/orders/${order.id}/payments`, { provider: 'sandbox' });
      await api('POST', `/v1/payments/${payment.id}/pay`);
    }
    orders.push(order);
    return order;
  }

  /** Six weeks of past orders up to yesterday, a weekly pattern: what the forecast and "vs yesterday" read. */
  async function importHistory() {
    const WEEKLY = [8, 14, 16, 18, 16, 12, 6];
    const today = new Date();
    today.setHours(0, 0, 0, 0);
    const history: HistoricalOrder[] = [];
    for (let d = 42; d >= 1; d--) {
      const day = new Date(today.getTime() - d * 86_400_000);
      for (let i = 0; i < WEEKLY[day.getDay()]! + (d % 3); i++)
        history.push({
          number: `H-${day.toISOString().slice(0, 10)}-${i}`,
          channel: i % 3 ? 'web' : 'tmall',
          placedAt: new Date(day.getTime() + 9 * 3_600_000 + i * 1_200_000),
          currency: 'CNY',
          customer: { email: `h${d}-${i}@example.com`, name: null },
          lines: [
            { sku: 'TEE-CLS-M-WHT', title: 'Classic tee', unitPrice: 9900 + 1000 * (i % 4), quantity: 1 },
          ],
          shippingTotal: 0,
          source: { demo: true },
        });
    }
    await importHistoricalOrders(t.db, history);
  }

  /** Axe on the page as it stands: no serious or critical violation. */
  async function expectAccessible(name: string) {
    const violations = (await page.evaluate(
      `${axe.source}; axe.run(document).then(r => r.violations)`,
    )) as axe.Result[];
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    expect(
      serious.map((v) => `${name}: ${v.id} ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    ).toEqual([]);
  }

  const shot = (name: string, fullPage = false) =>
    page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage });
  const heading = (name: string | RegExp) => page.getByRole('heading', { level: 1, name }).waitFor();
  const nav = (name: string) =>
    page
      .getByRole('navigation', { name: /Main|主菜单/ })
      .getByRole('link', { name })
      .click();

  beforeAll(async () => {
    t = await createTestApp(withSync());
    await seedDemoData(t.db);
    await importHistory();
    receiver = await startReceiver({ secret: () => secret, behave: () => (failing ? 'fail' : 'ok') });
    let secret: string | undefined;
    const sub = await createSubscription(t, {
      name: 'ERP',
      transport: 'webhook',
      url: receiver.url,
      eventTypes: ['order.placed'],
    });
    secret = sub.secret ?? undefined;
    relay = startRelay(t.db, t.config.sync, { webhook: webhookTransport(t.config.sync) });

    const stock = (await api('GET', '/v1/inventory?limit=50')).data.filter(
      (l: { available: number }) => l.available > 20,
    );
    for (let i = 0; i < 5; i++) await placeOrder(stock[i].sku, `+861380013800${i}`, i !== 3);
    await placeOrder(stock[5].sku, SHIP_PHONE, true);
    await api('POST', `/v1/orders/${orders[1]!.id}/returns`, {
      type: 'refund_only',
      reason: 'no_longer_needed',
      lines: [{ lineId: (await api('GET', `/v1/orders/${orders[1]!.id}`)).lines[0].id, quantity: 1 }],
      note: 'Ordered twice by mistake',
    });
    await waitFor(async () => (await api('GET', '/v1/deliveries?status=dead')).data.length > 0, {
      timeoutMs: 30_000,
      message: 'a dead letter',
    });

    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    browser = await launchChromium();
    page = browser.page;
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await relay?.stop();
    await receiver?.close();
    await t?.app.close();
    await t?.database.close();
  });

  it('signs in with an API key and shows the dashboard; the first page loads ≤ 300 KB of JS gzipped', async () => {
    const scripts = new Map<string, Promise<number>>();
    page.on('response', (res) => {
      if (res.url().endsWith('.js'))
        scripts.set(
          res.url(),
          res.body().then((b) => gzipSync(b).length),
        );
    });
    await page.goto(`${base}/admin`);
    await expectAccessible('sign-in');
    await shot('sign-in');
    await page.getByLabel('API key').fill('osk_not-a-key');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('not valid').waitFor();

    await page.getByLabel('API key').fill(t.adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading('Dashboard');
    await page.getByText('Orders today').waitFor();
    await page.getByRole('link', { name: /deliveries are dead letters/ }).waitFor();
    await page.getByRole('img', { name: /orders expected over the next 14 days/ }).waitFor();
    const sizes = await Promise.all(scripts.values());
    const gz = sizes.reduce((a, b) => a + b, 0);
    console.log(
      `console: first page JavaScript ${(gz / 1024).toFixed(1)} KB gzipped (${[...scripts.keys()].map((u) => u.split('/').pop()).join(', ')})`,
    );
    expect(gz).toBeLessThanOrEqual(300 * 1024);
    await expect.poll(() => page.locator('.figure').first().textContent()).toBe(String(orders.length));
    await expectAccessible('dashboard');
    await shot('dashboard', true);
  });

  it('finds an order by phone, ships it and marks it delivered', async () => {
    await nav('Orders');
    await heading('Orders');
    await expectAccessible('orders');
    await shot('orders');
    await page.getByLabel('Search').fill(SHIP_PHONE);
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const target = orders[5]!;
    await page.getByRole('link', { name: target.number }).waitFor();
    // The previous page stays on screen until the search answers (it holds the same order, the newest).
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
    await page.getByRole('link', { name: target.number }).click();
    await heading(`Order ${target.number}`);

    await page.getByRole('button', { name: 'Ship' }).click();
    await page.getByLabel('Carrier').selectOption('sf');
    await page.getByLabel('Tracking number').fill('SF1234567890123');
    await page.locator('.disclosure-body').getByRole('button', { name: 'Ship' }).click();
    await page.locator('.page-header .badge', { hasText: 'shipped' }).first().waitFor();
    await page.getByText('SF1234567890123').first().waitFor();
    expect((await api('GET', `/v1/orders/${target.id}`)).status).toBe('shipped');

    // The carrier never reports it: marked delivered by hand, with the reason.
    await page.getByRole('button', { name: /^Mark delivered/ }).click();
    await page.getByLabel('Reason').fill('Buyer confirmed by phone');
    await page.locator('.disclosure-body').getByRole('button', { name: 'Mark delivered' }).click();
    await page.locator('.page-header .badge', { hasText: 'delivered' }).first().waitFor();
    expect((await api('GET', `/v1/orders/${target.id}`)).status).toBe('delivered');
    await expectAccessible('order detail');
    await shot('order-detail', true);
  });

  it('refunds one line of a paid order', async () => {
    const target = orders[2]!;
    await page.goto(`${base}/admin/orders/${target.id}`);
    await heading(`Order ${target.number}`);
    await page.getByRole('button', { name: 'Refund' }).click();
    await page.getByLabel('What to refund').selectOption({ index: 1 });
    await page.getByLabel('Reason').fill('Damaged box');
    await page.locator('.disclosure-body').getByRole('button', { name: 'Refund' }).click();
    await page
      .locator('.badge', { hasText: /refunded/ })
      .first()
      .waitFor();
    const order = await api('GET', `/v1/orders/${target.id}`);
    expect(order.refundedTotal).toBe(order.lines[0].lineTotal);
  });

  it('retries a dead letter', async () => {
    failing = false;
    await nav('Sync');
    await heading('Sync');
    const dead = page.getByRole('region', { name: 'Deliveries' }).locator('tbody tr');
    await dead.first().waitFor();
    const before = await dead.count();
    await expectAccessible('sync');
    await shot('sync');
    await dead
      .first()
      .getByRole('button', { name: /Try again/ })
      .click();
    await expect.poll(() => dead.count()).toBe(before - 1);
    await waitFor(() => receiver.accepted.length > 0, { message: 'the retried delivery accepted' });
  });

  it('adjusts stock with a reason', async () => {
    const level = (await api('GET', '/v1/inventory?limit=1')).data[0];
    await nav('Inventory');
    await heading('Inventory');
    const form = page.getByRole('region', { name: 'Adjust stock' });
    await form.getByLabel('SKU').fill(level.sku);
    await form.getByLabel('Warehouse').selectOption(level.warehouseCode);
    await form.getByLabel('Change (+/−)').fill('7');
    await form.getByLabel('Reason').selectOption('receipt');
    await form.getByLabel('Note').fill('Late delivery from supplier');
    await form.getByRole('button', { name: 'Adjust stock' }).click();
    await form.getByText('Done.').waitFor();
    const after = (await api('GET', `/v1/inventory?sku=${level.sku}&warehouse=${level.warehouseCode}`))
      .data[0];
    expect(after.onHand).toBe(level.onHand + 7);
    await page.getByText('Late delivery from supplier').waitFor();
    await expectAccessible('inventory');
    await shot('inventory');
  });

  it('shows the catalog, the returns queue with suggestions, and flash sales, accessibly', async () => {
    await nav('Catalog');
    await heading('Catalog');
    await page.locator('tbody button.link').first().click();
    await page.getByRole('form', { name: 'Edit product' }).waitFor();
    await expectAccessible('catalog');
    await shot('catalog');

    await nav('Returns');
    await heading('Returns queue');
    await page.locator('tbody button.link').first().click();
    await page.getByRole('heading', { name: 'Knowledge base' }).waitFor();
    await expectAccessible('returns');
    await shot('returns');

    await nav('Flash sales');
    await heading('Flash sales');
    const sku = (await api('GET', '/v1/inventory?limit=1')).data[0].sku;
    await page.getByLabel('Name').fill('Double 12');
    await page.getByLabel('SKU', { exact: true }).fill(sku);
    await page.getByLabel('Price (CNY)').fill('9.90');
    await page.getByRole('button', { name: 'New flash sale' }).click();
    await page.getByRole('cell', { name: 'Double 12' }).waitFor();
    await expectAccessible('campaigns');
    await shot('campaigns');
  });

  it('hides the product editor from a support key', async () => {
    const support = await t.keyFor('support');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').fill(support);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading('Dashboard');
    await nav('Catalog');
    await page.locator('tbody button.link').first().click();
    await page.getByText('can read the catalog but not change it').waitFor();
    expect(await page.getByRole('form', { name: 'Edit product' }).count()).toBe(0);
  });

  it('switches to Chinese, with money and dates formatted for zh-CN', async () => {
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').fill(t.adminKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading('Dashboard');
    await page.getByLabel('Language').selectOption('zh-CN');
    await heading('概览');
    await page.getByRole('link', { name: '订单' }).waitFor();
    expect(await page.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    await expectAccessible('dashboard zh-CN');
    await shot('dashboard-zh');
    await nav('订单');
    await heading('订单');
    await expect.poll(() => page.locator('tbody td.num').first().textContent()).toMatch(/^¥[\d,]+\.\d{2}$/);
    await shot('orders-zh');
  });

  it('works on a 390-px-wide phone screen', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${base}/admin`);
    await page.getByRole('button', { name: '菜单' }).click();
    await nav('订单');
    await heading('订单');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await expectAccessible('phone');
    await shot('phone-orders');
  });
});
