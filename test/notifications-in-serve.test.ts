import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Running, serve } from '../src/main.js';
import { loadNotificationConfig } from '../src/platform/notification-config.js';
import { mobile } from './helpers/customers.js';
import { orderBody, stockedSku } from './helpers/factories.js';
import { TestSmtpServer } from './helpers/smtp-server.js';
import { testSyncConfig, waitFor } from './helpers/sync.js';
import { testConfig, useTestApp } from './helpers/test-app.js';

/**
 * Embedded `serve` (relay in process) sends e-mail as soon as the relay has made it, with its own
 * sender loop, not on the scheduler's tick: the tick here is an hour, so only the loop can send.
 */
describe('serve with the relay in process sends notifications at once', () => {
  const t = useTestApp();
  const smtp = new TestSmtpServer();
  let running: Running | undefined;

  beforeAll(async () => {
    await smtp.start();
    const base = testConfig();
    const config = {
      ...base,
      port: 0,
      host: '127.0.0.1',
      schedulerIntervalMs: 3_600_000,
      sync: testSyncConfig({ relayInProcess: true }),
      notifications: loadNotificationConfig(
        { SMTP_URL: smtp.url, NOTIFY_POLL_INTERVAL_MS: '50' },
        [],
        base.notifications.publicUrl,
      ),
    };
    // The test's database; its owner (useTestApp) closes it.
    const handle = { db: t().db, kind: t().database.kind, close: async () => undefined };
    running = await serve(config, handle);
  });
  afterAll(async () => {
    await running?.stop();
    await smtp.stop();
  });

  it('the order-placed e-mail arrives within seconds', { timeout: 60_000 }, async () => {
    const sku = await stockedSku(t(), 10);
    const email = `serve-${Date.now()}@example.com`;
    const placed = await t().request({
      method: 'POST',
      url: '/v1/orders',
      payload: orderBody([{ sku: sku.sku, quantity: 1 }], {
        customer: { email, phone: mobile(), name: 'Li Lei' },
      }),
    });
    expect(placed.statusCode, placed.body).toBe(201);
    const mail = await waitFor(() => smtp.to(email)[0], { timeoutMs: 20_000, message: 'the e-mail' });
    expect(mail.subject).toContain(placed.json().number);
  });
});
