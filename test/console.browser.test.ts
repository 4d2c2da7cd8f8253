import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import axe from 'axe-core';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoSkus } from '../src/demo/demo-data.js';
import { demoHistory, seedDemoHistory } from '../src/demo/demo-history.js';
import { refreshAllRollups } from '../src/modules/analytics/index.js';
import { type Relay, registerConsumers } from '../src/modules/sync/index.js';
import { consumersOf, modules } from '../src/modules.js';
import { SeededRandom } from '../src/platform/seeded-random.js';
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
    // The demo's catalog and its six weeks of history up to yesterday: what the forecast and "vs yesterday" read
    const demo = await seedDemoData(t.db);
    const skus = await demoSkus(t.db, demo.skuCodes);
    await seedDemoHistory(t.db, demoHistory(skus, new Date(), new SeededRandom(1), 42));
    receiver = await startReceiver({ secret: () => secret, behave: () => (failing ? 'fail' : 'ok') });
    let secret: string | undefined;
    const sub = await createSubscription(t, {
      name: 'ERP',
      transport: 'webhook',
      url: receiver.url,
      eventTypes: ['order.placed'],
    });
    secret = sub.secret ?? undefined;
    // The app's own consumers too (customers, analytics, notifications), as a relay process runs them.
    relay = startRelay(t.db, t.config.sync, {
      webhook: webhookTransport(t.config.sync),
      consumer: await registerConsumers(t.db, consumersOf(modules, t.app.services)),
    });

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
    // against yesterday's history (a change in percent, not "—"), and today's orders by channel
    expect(await page.locator('.tile .muted').first().textContent()).toMatch(/%/);
    const byChannel = page.getByRole('table', { name: 'Today by channel' });
    await byChannel.getByRole('cell', { name: 'tmall' }).waitFor();
    await byChannel.getByRole('cell', { name: 'web' }).waitFor();
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

    // a support note, through POST /v1/orders/{id}/notes, lands in the order's timeline
    const notes = page.getByRole('form', { name: 'Add note' });
    await notes.getByLabel('Note').fill('Customer called about the box');
    await notes.getByRole('button', { name: 'Add note' }).click();
    await page.locator('ol.timeline').getByText('Customer called about the box').waitFor();
    const timeline = (await api('GET', `/v1/orders/${target.id}`)).timeline as { message: string }[];
    expect(timeline.some((e) => e.message.includes('Customer called about the box'))).toBe(true);
  });

  it("edits an order's quantity and shows the new total and the difference refunded", async () => {
    const target = orders[4]!;
    const before = await api('GET', `/v1/orders/${target.id}`);
    const line = before.lines[0];
    await page.goto(`${base}/admin/orders/${target.id}`);
    await heading(`Order ${target.number}`);
    await page.getByRole('button', { name: 'Edit order' }).click();
    const form = page.getByRole('form', { name: 'Edit order' });
    await form.getByLabel(`Quantity of ${line.sku}`).fill(String(line.quantity - 1));
    await form.getByLabel('Reason').fill('Buyer wants one fewer');
    await form.getByRole('button', { name: 'Save edit' }).click();
    await form.getByText(/^Saved\. New total /).waitFor();
    const after = await api('GET', `/v1/orders/${target.id}`);
    expect(after.lines[0].quantity).toBe(line.quantity - 1);
    expect(after.totals.grandTotal).toBeLessThan(before.totals.grandTotal);
    const edits = await api('GET', `/v1/orders/${target.id}/edits`);
    expect(edits).toHaveLength(1);
    expect(edits[0].difference).toBe(after.totals.grandTotal - before.totals.grandTotal);
    // Paid in full before: the difference goes back to the buyer, and the form says how much.
    expect(edits[0].refunded).toBe(-edits[0].difference);
    await form.getByText(/less; .* refunded\.$/).waitFor();
    // The page shows what the API now says: the new total, and the edit in the history with its difference.
    const totals = page.locator('dl.totals');
    const grand = await totals.locator('dd strong').textContent();
    expect(grand!.replace(/[^\d]/g, '')).toBe(String(after.totals.grandTotal));
    const history = page.getByRole('region', { name: 'Edits' }).locator('tbody tr');
    await expect.poll(() => history.count()).toBe(1);
    await history.getByText('Buyer wants one fewer').waitFor();

    // The shipping option is picked from those the API lists for the order, priced as the edit will be.
    const listed = await api('GET', `/v1/orders/${target.id}/shipping-options`);
    const express = listed.addresses[0].options.find((o: { id: string }) => o.id === 'sf:express');
    const choice = form.getByLabel('Shipping option');
    const yuan = (minor: number) =>
      new Intl.NumberFormat('en', { style: 'currency', currency: 'CNY' }).format(minor / 100);
    await expect
      .poll(() => choice.locator('option').allTextContents())
      .toContain(`sf:express: ${yuan(express.price)}, 1–2 days, total ${yuan(express.total)}`);
    await choice.selectOption('sf:express');
    await form.getByLabel('Reason').fill('Buyer wants it faster');
    await form.getByRole('button', { name: 'Save edit' }).click();
    await expect.poll(() => history.count()).toBe(2);
    const faster = await api('GET', `/v1/orders/${target.id}`);
    expect(faster.totals.grandTotal).toBe(express.total);
    // the buyer pays the difference, so the order is paid again (the bulk cancel below finds one unpaid order)
    const due = faster.payments.find((p: { status: string }) => p.status === 'pending');
    await api('POST', `/v1/payments/${due.id}/pay`);
    expect((await api('GET', `/v1/orders/${target.id}`)).status).toBe('paid');
    await expectAccessible('order edit');
    await shot('order-edit', true);
  });

  it('opens a claim on a delivered order and resolves it from the claims queue, with suggestions', async () => {
    await api('POST', '/v1/kb/articles', {
      title: 'A parcel arrived damaged',
      body: 'Ask for a photo of the box and the item, then refund or replace.',
      reasonCodes: ['damaged_in_transit'],
    });
    const target = orders[5]!; // shipped and delivered above
    const order = await api('GET', `/v1/orders/${target.id}`);
    await page.goto(`${base}/admin/orders/${target.id}`);
    await heading(`Order ${target.number}`);
    await page.getByRole('button', { name: 'Open a claim' }).click();
    const form = page.getByRole('form', { name: 'Open a claim' });
    await form.getByLabel('Kind').selectOption('damaged');
    await form.getByLabel(`Units of ${order.lines[0].sku} claimed`).fill('1');
    await form.getByLabel(/^Photo URLs/).fill('https://img.example.com/claims/box.jpg');
    await form.getByRole('button', { name: 'Open a claim' }).click();
    await form.getByText('Done.').waitFor();
    const claims = page.getByRole('region', { name: 'Claims' }).locator('tbody tr');
    await expect.poll(() => claims.count()).toBe(1);
    await claims.getByRole('link', { name: 'Photo 1' }).waitFor();
    await expectAccessible('order claims');

    await nav('Claims');
    await heading('Claims queue');
    await page.locator('tbody button.link').first().click();
    await page.getByRole('heading', { name: 'Knowledge base' }).waitFor();
    await page.getByText('A parcel arrived damaged').waitFor();
    const decide = page.getByRole('form', { name: 'Decide the claim' });
    await decide.getByLabel('Resolution').selectOption('refund');
    await decide.getByLabel('Decision note').fill('Photo shows a crushed box');
    await expectAccessible('claims');
    await shot('claims');
    await decide.getByRole('button', { name: 'Resolve' }).click();
    await page.getByText('Done.').waitFor();
    const [claim] = await api('GET', `/v1/orders/${target.id}/claims`);
    expect(claim).toMatchObject({
      status: 'resolved',
      resolution: 'refund',
      decisionNote: 'Photo shows a crushed box',
    });
    expect(claim.amount).toBeGreaterThan(0);
    expect((await api('GET', `/v1/orders/${target.id}`)).refundedTotal).toBe(claim.amount);
  });

  it("sets bin locations and creates the day's pick list, read in bin order", async () => {
    const target = orders[0]!;
    const order = await api('GET', `/v1/orders/${target.id}`);
    const warehouse = order.reservations[0].warehouseCode as string;
    const sku = order.lines[0].sku as string;
    await api('POST', `/v1/orders/${target.id}/shipments`, { warehouse });
    await nav('Pick lists');
    await heading('Pick lists');
    await page.getByLabel('Warehouse').selectOption(warehouse);
    const bins = page.getByRole('form', { name: 'Bin locations' });
    await bins.getByLabel('SKU and bin, one pair a line').fill(`${sku} A-10-1`);
    await bins.getByRole('button', { name: 'Save' }).click();
    await bins.getByText('Done.').waitFor();
    const create = page.getByRole('form', { name: "Create the day's pick lists" });
    await create.getByRole('button', { name: "Create the day's pick lists" }).click();
    await create.getByText('Pick lists made: 1.').waitFor();
    const sheet = page.getByRole('region', { name: new RegExp(`^Pick list ${warehouse}, `) });
    const row = sheet.locator('tbody tr', { hasText: sku });
    await row.getByText('A-10-1').waitFor();
    expect(await row.locator('td.num').textContent()).toBe(String(order.lines[0].quantity));
    await page.getByRole('button', { name: 'Print' }).waitFor();
    await expectAccessible('pick lists');
    await shot('pick-lists', true);
  });

  it('cancels selected orders in bulk, each through the public API', async () => {
    const unpaid = orders[3]!;
    await nav('Orders');
    await heading('Orders');
    await page.getByLabel('Status').selectOption('pending_payment');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
    await page.getByLabel(`Select order ${unpaid.number}`).check();
    const bulk = page.getByRole('group', { name: 'Actions on the selected orders' });
    await bulk.getByText('1 selected', { exact: true }).waitFor();
    await bulk.getByRole('button', { name: 'Cancel 1 selected' }).click();
    await bulk.getByText('1 done, 0 failed').waitFor();
    expect((await api('GET', `/v1/orders/${unpaid.id}`)).status).toBe('cancelled');
    await page.getByRole('button', { name: 'Reset' }).click();
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
    // Days of cover per SKU × warehouse, from the analytics rollups, for a SKU the orders above sold
    // (refreshed before the page first asks: the console keeps the report a minute).
    let sold: { sku: string; warehouse: string; daysOfCover: number } | undefined;
    await waitFor(
      async () => {
        await refreshAllRollups(t.db);
        const report = await api('GET', '/v1/analytics/stock?limit=1000');
        for (const s of report.skus)
          for (const w of s.warehouses) if (w.daysOfCover !== null) sold ??= { sku: s.sku, ...w };
        return sold !== undefined;
      },
      { message: 'days of cover in the analytics rollups' },
    );
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

    const filters = page.locator('form.filters');
    await filters.getByLabel('Filter by SKU').fill(sold!.sku);
    await filters.getByRole('button', { name: 'Search' }).click();
    const row = page
      .getByRole('table', { name: 'Inventory' })
      .getByRole('row')
      .filter({ has: page.getByRole('cell', { name: sold!.warehouse, exact: true }) })
      .filter({ has: page.getByRole('cell', { name: sold!.sku, exact: true }) });
    await expect
      .poll(async () => (await row.locator('td').last().textContent())?.trim())
      .toBe(new Intl.NumberFormat('en').format(sold!.daysOfCover));
    await expectAccessible('inventory');
    await shot('inventory');
  });

  it('shows the catalog, the returns queue with suggestions, and flash sales, accessibly', async () => {
    await nav('Catalog');
    await heading('Catalog');
    await page.locator('tbody button.link').first().click();
    await page.getByRole('form', { name: 'Edit product' }).waitFor();
    const priceForm = page.getByRole('form', { name: /^Price of / }).first();
    const priced = (await priceForm.getAttribute('aria-label'))!.replace('Price of ', '');
    await priceForm.getByLabel(/New price/).fill('123.45');
    await priceForm.getByRole('button', { name: 'Save' }).click();
    await priceForm.getByText('Done.').waitFor();
    const products = (await api('GET', '/v1/products?limit=50&status=active')).data as { id: string }[];
    const variants = await Promise.all(
      products.map(
        async (p) => (await api('GET', `/v1/products/${p.id}`)).variants as { sku: string; price: number }[],
      ),
    );
    expect(variants.flat().find((v) => v.sku === priced)?.price).toBe(12345);
    // the category tree with each category's attribute schema
    const categories = (await api('GET', '/v1/categories')).data as {
      name: string;
      attributes: { name: string }[];
    }[];
    const withSchema = categories.find((c) => c.attributes.length > 0)!;
    await page
      .getByRole('table', { name: 'Categories' })
      .getByRole('row')
      .filter({ hasText: withSchema.name })
      .getByText(withSchema.attributes[0]!.name, { exact: true })
      .first()
      .waitFor();
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

  it('edits a notification template, previews it on a real order and saves a new version', async () => {
    await nav('Notifications');
    await heading('Notifications');
    const row = page.locator('tbody tr', { hasText: 'en' }).filter({ hasText: /Email/i }).first();
    await row.getByRole('button').click();
    const editor = page.getByRole('form', { name: /^Edit template / });
    await editor.waitFor();
    const subject = editor.getByLabel('Subject');
    await subject.fill('Thanks! Order {{ order.number }} is in');
    await editor.getByRole('button', { name: 'Preview' }).click();
    const preview = page.getByRole('region', { name: 'Preview' });
    await preview.getByRole('heading', { name: /^Thanks! Order \S+ is in$/ }).waitFor();
    await preview.getByText(/^Hello /).waitFor();
    await expectAccessible('notifications');
    await shot('notifications', true);

    // A template that does not parse is refused at save time with where the error is.
    const body = editor.getByLabel('Template (Liquid)');
    const good = await body.inputValue();
    await body.fill(`${good}\n{% if order.number %}never closed`);
    await editor.getByRole('button', { name: 'Save as new version' }).click();
    await editor
      .getByText(/line \d+/i)
      .first()
      .waitFor();
    await body.fill(good);
    await editor.getByRole('button', { name: 'Save as new version' }).click();
    await editor.getByText('Done.').waitFor();
    const saved = (await api('GET', '/v1/notification-templates')) as {
      subject: string | null;
      version: number;
    }[];
    expect(
      saved.find((x) => x.subject === 'Thanks! Order {{ order.number }} is in')?.version,
    ).toBeGreaterThan(0);
  });

  it("finds a customer by any spelling of a phone and shows support the customer's story", async () => {
    // Customers are matched from order.placed by the app's consumer on the relay.
    await waitFor(async () => (await api('GET', '/v1/customers?q=139 1234 5678')).data.length > 0, {
      message: 'the phone buyer matched to a customer',
    });
    await nav('Customers');
    await heading('Customers');
    await page.getByLabel('Search').fill('139 1234 5678');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(() => page.locator('tbody tr').count()).toBe(1);
    await page.locator('tbody button.link').first().click();
    await page.getByRole('link', { name: orders[5]!.number }).waitFor();
    const note = page.getByRole('form', { name: 'Add note' });
    await note.getByLabel('Note').fill('Prefers delivery after 18:00');
    await note.getByRole('button', { name: 'Add note' }).click();
    await page.getByText('Prefers delivery after 18:00').waitFor();
    await expectAccessible('customers');
    await shot('customers', true);
  });

  it('connects a sales channel and maps a channel SKU to ours', async () => {
    const sku = (await api('GET', '/v1/inventory?limit=1')).data[0].sku;
    await nav('Sales channels');
    await heading('Sales channels');
    const connect = page.getByRole('region', { name: 'Connect a channel' });
    await connect.getByLabel('Kind').selectOption('woocommerce');
    await connect.getByLabel('Code').fill('woo-shop');
    await connect.getByLabel('Name').fill('Woo shop');
    await connect.getByLabel('consumerKey').fill('ck_console_test');
    await connect.getByLabel('consumerSecret').fill('cs_console_test');
    await connect.getByRole('button', { name: 'Connect a channel' }).click();
    await connect.getByText('Webhook secret (shown this once):').waitFor();
    const map = page.getByRole('form', { name: 'Map SKU' });
    await map.getByLabel('Channel SKU').fill('WOO-VARIANT-42');
    await map.getByLabel('SKU', { exact: true }).fill(sku);
    await map.getByRole('button', { name: 'Map SKU' }).click();
    await page.getByRole('cell', { name: 'WOO-VARIANT-42' }).waitFor();
    const channel = (await api('GET', '/v1/channels')).data.find(
      (c: { code: string }) => c.code === 'woo-shop',
    );
    expect((await api('GET', `/v1/channels/${channel.id}/sku-map`)).data).toEqual([
      { channelSku: 'WOO-VARIANT-42', sku },
    ]);
    await expectAccessible('channels');
    await shot('channels', true);
  });

  it('shows analytics, the audit log with its chain check, and market rules, accessibly', async () => {
    const today = `from=${new Date(Date.now() - 86_400_000).toISOString()}&to=${new Date(Date.now() + 86_400_000).toISOString()}`;
    await waitFor(
      async () => {
        await refreshAllRollups(t.db);
        const { stages } = await api('GET', `/v1/analytics/funnel?${today}`);
        return stages.find((s: { stage: string }) => s.stage === 'placed').orders >= orders.length;
      },
      { message: "today's orders in the analytics rollups" },
    );
    await nav('Analytics');
    await heading('Analytics');
    await page.getByRole('img', { name: /^GMV per day in CNY/ }).waitFor();
    await page.getByRole('region', { name: 'Funnel' }).getByRole('cell', { name: 'Placed' }).waitFor();
    await page.getByRole('region', { name: 'Lead times' }).locator('tbody tr').first().waitFor();
    await expectAccessible('analytics');
    await shot('analytics', true);

    await nav('Audit log');
    await heading('Audit log');
    await page.getByText(/^Intact: /).waitFor();
    // The bulk cancel above was a write by the admin key: it is in the trail with its actor.
    await page.getByRole('cell', { name: 'POST /v1/orders/:id/cancel' }).first().waitFor();
    await expectAccessible('audit');
    await shot('audit');

    // A market rule added through its page is listed with its checks.
    await nav('Market rules');
    await heading('Market rules');
    await page.getByRole('button', { name: 'Add rule' }).click();
    await page.getByRole('cell', { name: 'China cross-border retail imports' }).waitFor();
    await page.getByText('yearlyValueLimit: 2600000', { exact: false }).waitFor();
    await expectAccessible('market rules');
    await shot('market-rules');
  });

  it('hides the product editor from a support key', async () => {
    const support = await t.keyFor('support');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API key').fill(support);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await heading('Dashboard');
    // Support works the claims queue but picks no stock: the menu shows only what the role may open.
    const menu = page.getByRole('navigation', { name: 'Main' });
    await menu.getByRole('link', { name: 'Claims' }).waitFor();
    expect(await menu.getByRole('link', { name: 'Pick lists' }).count()).toBe(0);
    await nav('Catalog');
    await page.locator('tbody button.link').first().click();
    await page.getByText('can read the catalog but not change it').waitFor();
    expect(await page.getByRole('form', { name: 'Edit product' }).count()).toBe(0);
    expect(await page.getByRole('form', { name: /^Price of / }).count()).toBe(0);
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
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await expectAccessible('phone');
    await shot('phone-orders');
    // The new pages fit the phone too, in Chinese.
    for (const [link, title] of [
      ['售后索赔', '索赔队列'],
      ['拣货单', '拣货单'],
    ] as const) {
      await page.getByRole('button', { name: '菜单' }).click();
      await nav(link);
      await heading(title);
      expect(await overflow(), title).toBeLessThanOrEqual(0);
      await expectAccessible(`phone ${title}`);
    }
  });
});
