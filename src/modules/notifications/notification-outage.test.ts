import { randomInt } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startConsumerRelay } from '../../../test/helpers/customers.js';
import { address, orderBody, stockedSku } from '../../../test/helpers/factories.js';
import { paySandbox, ship } from '../../../test/helpers/lifecycle.js';
import { TestSmtpServer } from '../../../test/helpers/smtp-server.js';
import { quietLog, uniq, waitFor, withSync } from '../../../test/helpers/sync.js';
import { useTestApp } from '../../../test/helpers/test-app.js';
import { loadNotificationConfig } from '../../platform/notification-config.js';
import type { Relay } from '../sync/index.js';
import { channelsFrom, NotificationSender } from './notification-sender.js';

// The acceptance run, on PostgreSQL: 1,000 orders is too heavy for embedded PGlite in CI.
const onPostgres = process.env.TEST_DB === 'postgres';
const ORDERS = 1_000;
// Its time is the flow's own work, not waiting: 6 requests an order and every module's consumer, in
// this one Node process (timed in phases: the outage is over while orders still flow, and the last
// e-mail arrives about 2 s after the last delivery).
const IN_FLIGHT = 16;
const KINDS = ['order_placed', 'order_paid', 'order_shipped', 'order_delivered'] as const;

/** Runs `task` for 0..n-1, at most `width` at once. */
async function inParallel(n: number, width: number, task: (i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < n) await task(next++);
    }),
  );
}

describe.skipIf(!onPostgres)(
  '1,000 orders through their life, the SMTP server down for 10 s meanwhile',
  () => {
    const t = useTestApp(withSync());
    const smtp = new TestSmtpServer();
    let relay: Relay;
    let sender: NotificationSender;

    beforeAll(async () => {
      await smtp.start();
      const config = loadNotificationConfig(
        // Enough attempts with backoff to outlast a 10 s outage (0.25 + 0.5 + … + 8 s ≫ 10 s); the sender
        // looks for due messages every 50 ms (not 200), so the last ones do not wait on its poll.
        {
          SMTP_URL: smtp.url,
          NOTIFY_RETRY_BASE_MS: '250',
          NOTIFY_MAX_ATTEMPTS: '10',
          NOTIFY_POLL_INTERVAL_MS: '50',
        },
        [],
        t().config.notifications.publicUrl,
      );
      sender = new NotificationSender(t().db, channelsFrom(config, []), config, quietLog);
      sender.start();
      relay = await startConsumerRelay(t()); // every module's consumer, customers' matching among them
    });
    afterAll(async () => {
      await relay?.stop();
      await sender?.stop();
      await smtp.stop();
    });

    it('sends every e-mail once, in the buyer’s language: 0 lost, 0 duplicated', {
      timeout: 900_000,
    }, async () => {
      const sku = await stockedSku(t(), ORDERS * 2);
      const warehouse = await t().keyFor('warehouse');
      // One phone per buyer (customers merges buyers by phone); every third buyer ships to the US → en.
      const phoneBase = randomInt(0, 9e7);
      const english = (i: number) => i % 3 === 0;
      const run = uniq();
      const trackingBase = randomInt(1e8, 9e8); // SF Express numbers: SF and 12 to 15 digits

      let outage: Promise<void> | undefined;
      await inParallel(ORDERS, IN_FLIGHT, async (i) => {
        const placed = await t().request({
          method: 'POST',
          url: '/v1/orders',
          payload: orderBody([{ sku: sku.sku, quantity: 1 }], {
            customer: {
              email: `outage-${run}-${i}@example.com`,
              phone: `139${String(phoneBase + i).padStart(8, '0')}`,
              name: 'Li Lei',
            },
            ...(english(i)
              ? {
                  addresses: {
                    home: address({
                      country: 'US',
                      province: 'NY',
                      city: 'New York',
                      phone: '+1 212 555 0100',
                      postalCode: '10001',
                    }),
                  },
                }
              : {}),
          }),
        });
        expect(placed.statusCode, placed.body).toBe(201);
        const orderId: string = placed.json().id;
        // A third of the way in, the SMTP server dies for 10 s while orders keep moving.
        if (i === Math.floor(ORDERS / 3))
          outage = smtp.kill().then(async () => {
            await new Promise((r) => setTimeout(r, 10_000));
            await smtp.restart();
          });
        await paySandbox(t(), orderId);
        const shipment = await ship(
          t(),
          orderId,
          sku.warehouse,
          'sf',
          `SF${trackingBase}${String(i).padStart(4, '0')}`,
        );
        const delivered = await t().request({
          method: 'POST',
          url: `/v1/shipments/${shipment.id}/deliver`,
          payload: { reason: 'handed over' },
          key: warehouse,
        });
        expect(delivered.statusCode, delivered.body).toBe(200);
      });
      await outage;

      const expected = ORDERS * KINDS.length;
      await waitFor(() => smtp.messages.length >= expected, {
        timeoutMs: 600_000,
        intervalMs: 50,
        message: `${expected} e-mails (have ${smtp.messages.length})`,
      });
      // Anything still in flight would arrive now: a duplicate or a stray must have had the time to.
      await new Promise((r) => setTimeout(r, 1_000));

      const ids = smtp.messages.map((m) => /^<([^@>]+)@ordersync>$/.exec(m.messageId ?? '')?.[1]);
      expect(ids.filter((id) => !id)).toEqual([]);
      expect(smtp.messages.length).toBe(expected); // 0 duplicated …
      expect(new Set(ids).size).toBe(expected); // … and 0 lost

      // Each message is the notification it says it is: its kind and locale, to its own buyer.
      const rows = await t()
        .db.selectFrom('notifications')
        .select(['id', 'kind', 'locale', 'recipient', 'status', 'attempts'])
        .where('channel', '=', 'email')
        .execute();
      const byId = new Map(rows.map((r) => [r.id, r]));
      const tally = new Map<string, number>();
      for (const mail of smtp.messages) {
        const id = /^<([^@>]+)@/.exec(mail.messageId!)![1]!;
        const row = byId.get(id);
        expect(row, `notification ${id}`).toBeDefined();
        const to = Array.isArray(mail.to) ? mail.to[0] : mail.to;
        expect(to?.value[0]?.address).toBe(row!.recipient);
        // the subject is in the row's language: Chinese subjects have Han characters, English ones none
        expect(/\p{Script=Han}/u.test(mail.subject ?? ''), mail.subject).toBe(row!.locale === 'zh-CN');
        const key = `${row!.kind} ${row!.locale}`;
        tally.set(key, (tally.get(key) ?? 0) + 1);
      }
      const englishBuyers = Array.from({ length: ORDERS }, (_, i) => i).filter(english).length;
      expect(Object.fromEntries([...tally].sort())).toEqual(
        Object.fromEntries(
          KINDS.flatMap((kind) => [
            [`${kind} en`, englishBuyers],
            [`${kind} zh-CN`, ORDERS - englishBuyers],
          ]).sort(),
        ),
      );
      expect(rows.filter((r) => r.status !== 'sent')).toEqual([]);
      // The outage was real: some messages needed more than one attempt.
      expect(rows.some((r) => r.attempts > 1)).toBe(true);
    });
  },
);
