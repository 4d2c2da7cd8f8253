import { sql } from 'kysely';
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeAliyunSms } from '../../../test/helpers/aliyun-sms-gateway.js';
import { address, orderBody, stockedSku } from '../../../test/helpers/factories.js';
import { paySandbox, ship } from '../../../test/helpers/lifecycle.js';
import { TestSmtpServer } from '../../../test/helpers/smtp-server.js';
import { quietLog, startRelay, testSyncConfig, waitFor, withSync } from '../../../test/helpers/sync.js';
import { expectProblem, TEST_WEBHOOK_ALLOWED_HOSTS, useTestApp } from '../../../test/helpers/test-app.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { loadNotificationConfig } from '../../platform/notification-config.js';
import { type Relay, registerConsumers } from '../sync/index.js';
import { createNotifications } from './create-notifications.js';
import { channelsFrom, NotificationSender } from './notification-sender.js';
import { notificationsConsumer } from './order-event-consumer.js';
import { remindUnpaidOrders } from './payment-reminders.js';

/** A header as it was on the wire (mailparser folds List-* headers into its own structure). */
const rawHeader = (mail: ParsedMail, name: string) =>
  mail.headerLines
    .find((h) => h.key === name)
    ?.line.replace(/^[^:]+:\s*/, '')
    .replace(/\r?\n\s+/g, ' ');

describe('notifications on order events: e-mail to a real SMTP server, SMS to Aliyun’s format', () => {
  const t = useTestApp(withSync());
  const smtp = new TestSmtpServer();
  const gateway = new FakeAliyunSms();
  let relay: Relay;
  let sender: NotificationSender;
  let sku: { sku: string; warehouse: string };

  beforeAll(async () => {
    await smtp.start();
    await gateway.start();
    sku = await stockedSku(t(), 1000);
    const config = loadNotificationConfig(
      {
        SMTP_URL: smtp.url,
        ALIYUN_SMS_ACCESS_KEY_ID: gateway.accessKeyId,
        ALIYUN_SMS_ACCESS_KEY_SECRET: gateway.accessKeySecret,
        ALIYUN_SMS_SIGN_NAME: 'OrderSync',
        ALIYUN_SMS_ENDPOINT: gateway.url,
        NOTIFY_RETRY_BASE_MS: '50',
        NOTIFY_MAX_ATTEMPTS: '3',
        NOTIFY_POLL_INTERVAL_MS: '20',
      },
      [],
      t().config.notifications.publicUrl,
    );
    sender = new NotificationSender(
      t().db,
      channelsFrom(config, [TEST_WEBHOOK_ALLOWED_HOSTS]),
      config,
      quietLog,
    );
    sender.start();
    relay = startRelay(t().db, testSyncConfig(), {
      consumer: await registerConsumers(t().db, [notificationsConsumer]),
    });
  });
  afterAll(async () => {
    await relay?.stop();
    await sender?.stop();
    await smtp.stop();
    await gateway.stop();
  });

  // Each buyer a phone of their own: customers matches buyers by phone too.
  let phones = 0;
  const ownPhone = () =>
    `+86139${String(Date.now() % 1e5).padStart(5, '0')}${String(phones++).padStart(3, '0')}`;
  async function place(overrides: Record<string, unknown> = {}) {
    overrides.customer ??= {
      email: `buyer-${Date.now()}-${phones}@example.com`,
      phone: ownPhone(),
      name: 'Li Lei',
    };
    const res = await t().request({
      method: 'POST',
      url: '/v1/orders',
      payload: orderBody([{ sku: sku.sku, quantity: 1 }], overrides),
    });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as { id: string; number: string; customer: { email: string } };
  }
  const log = async (orderId: string) =>
    (await t().request({ method: 'GET', url: `/v1/notifications?orderId=${orderId}` })).json() as Array<{
      id: string;
      kind: string;
      channel: string;
      status: string;
      skipReason: string | null;
      resendOf: string | null;
      lastError: string | null;
      customerId: string | null;
    }>;
  const mailFor = (email: string, subject: RegExp) =>
    waitFor(() => smtp.to(email).find((m) => subject.test(m.subject ?? '')), { message: `mail ${subject}` });

  it('sends the order-placed e-mail in the buyer’s language, without List-Unsubscribe, and notes it in the timeline', async () => {
    const zh = await place();
    const en = await place({
      addresses: {
        home: address({
          country: 'US',
          province: 'NY',
          city: 'New York',
          phone: '+1 212 555 0100',
          postalCode: '10001',
        }),
      },
    });
    const zhMail = await mailFor(zh.customer.email, new RegExp(zh.number));
    const enMail = await mailFor(en.customer.email, new RegExp(en.number));
    expect(zhMail.subject).toBe(`已收到您的订单 ${zh.number}`);
    expect(zhMail.text).toContain('感谢您的订单');
    expect(enMail.subject).toBe(`Order ${en.number} received`);
    expect(enMail.text).toContain('Thank you for your order');
    expect(rawHeader(zhMail, 'list-unsubscribe')).toBeUndefined();
    const entry = await waitFor(
      async () => {
        const order = (await t().request({ method: 'GET', url: `/v1/orders/${zh.id}` })).json();
        return order.timeline?.find((e: { kind: string }) => e.kind === 'notification.sent');
      },
      { message: 'timeline entry' },
    );
    expect(entry.message).toContain(zhMail.subject);
    expect((await log(zh.id)).map((n) => [n.kind, n.channel, n.status])).toEqual([
      ['order_placed', 'email', 'sent'],
    ]);
  });

  it('tells of the parcel (carrier, tracking link) with a one-click unsubscribe that works without logging in', async () => {
    const order = await place();
    await paySandbox(t(), order.id);
    await mailFor(order.customer.email, /已付款/);
    const shipment = await ship(t(), order.id, sku.warehouse, 'sf', 'SF1234567890123');
    const mail = await mailFor(order.customer.email, /已发货/);
    expect(mail.text).toContain('SF Express');
    expect(mail.text).toContain('https://www.kuaidi100.com/chaxun?com=shunfeng&nu=SF1234567890123');
    expect(rawHeader(mail, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    const link = /^<([^>]+)>$/.exec(rawHeader(mail, 'list-unsubscribe') ?? '')?.[1];
    expect(link).toMatch(/\/v1\/unsubscribe\?token=/);
    expect(mail.text).toContain(link);
    const url = new URL(link!);

    // a forged token changes nothing
    expectProblem(
      await t().request({
        method: 'POST',
        url: `/v1/unsubscribe?token=${url.searchParams.get('token')}x`,
        key: null,
        payload: 'List-Unsubscribe=One-Click',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      }),
      400,
    );
    const oneClick = await t().request({
      method: 'POST',
      url: url.pathname + url.search,
      key: null,
      payload: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(oneClick.statusCode, oneClick.body).toBe(200);
    expect(oneClick.json()).toEqual({
      category: 'delivery_updates',
      channels: ['email'],
      unsubscribed: true,
    });
    // written to the customer's contact preferences: e-mail off, SMS as it was
    const customer = await t().request({
      method: 'GET',
      url: `/v1/customers/${(await log(order.id))[0]!.customerId}`,
    });
    expect(customer.json().preferences.delivery_updates).toEqual({ email: false, sms: true });

    const warehouse = await t().keyFor('warehouse');
    const delivered = await t().request({
      method: 'POST',
      url: `/v1/shipments/${shipment.id}/deliver`,
      payload: { reason: 'handed over' },
      key: warehouse,
    });
    expect(delivered.statusCode, delivered.body).toBe(200);
    const skipped = await waitFor(
      async () => (await log(order.id)).find((n) => n.kind === 'order_delivered' && n.channel === 'email'),
      { message: 'delivered notification' },
    );
    expect(skipped).toMatchObject({
      status: 'skipped',
      skipReason: 'the customer switched off delivery_updates',
    });
    expect(smtp.to(order.customer.email).some((m) => /已送达/.test(m.subject ?? ''))).toBe(false);
  });

  it('reminds of an unpaid order by Aliyun SMS (signed, template code and parameters); a landline and a missing e-mail are recorded skips', async () => {
    const mobile = await place();
    const landline = await place({
      customer: {
        email: `landline-${Date.now()}@example.com`,
        phone: '+86 10 6552 9988',
        name: 'Han Meimei',
      },
    });
    const noEmail = await place();
    // an imported marketplace order can come without an e-mail, and its customer be known by phone only
    await waitFor(async () => (await log(noEmail.id)).length > 0, { message: 'the order-placed message' });
    await sql`update orders set customer_email = '' where id = ${noEmail.id}`.execute(t().db);
    await sql`update customers set email = null where id in (select customer_id from customer_orders where order_id = ${noEmail.id})`.execute(
      t().db,
    );
    await remindUnpaidOrders(t().db, new Date(), 3600);
    const sms = await waitFor(() => gateway.received.find((s) => s.params.order === mobile.number), {
      message: 'SMS',
    });
    expect(sms).toMatchObject({
      phone: expect.stringMatching(/^139\d{8}$/),
      templateCode: 'SMS_000000006',
      signName: 'OrderSync',
    });
    expect(sms.params.due!.length).toBeLessThanOrEqual(35);
    await mailFor(mobile.customer.email, /待付款/);
    const landlineSms = (await log(landline.id)).find((n) => n.channel === 'sms');
    expect(landlineSms).toMatchObject({
      status: 'skipped',
      skipReason: 'the phone number is not a mobile number',
    });
    const noEmailLog = await log(noEmail.id);
    expect(noEmailLog.find((n) => n.kind === 'payment_reminder' && n.channel === 'email')).toMatchObject({
      status: 'skipped',
      skipReason: 'the customer has no e-mail address',
    });
    // the job again: nothing new (one reminder per order and channel)
    const before = gateway.received.length;
    expect(await remindUnpaidOrders(t().db, new Date(), 3600)).toBe(0);
    expect(gateway.received.length).toBe(before);
  });

  it('retries when the SMTP server is away; a refused one fails visibly and its resend links to it and goes out', async () => {
    await smtp.kill();
    const order = await place();
    await waitFor(async () => (await log(order.id)).find((n) => n.lastError), {
      message: 'a failed attempt',
    });
    await smtp.restart();
    await mailFor(order.customer.email, new RegExp(order.number));

    const refused = await place({
      customer: { email: `refused-${Date.now()}@example.com`, phone: ownPhone(), name: 'Li Lei' },
    });
    smtp.refuse.add(refused.customer.email);
    const failed = await waitFor(async () => (await log(refused.id)).find((n) => n.status === 'failed'), {
      message: 'failed',
    });
    expect(failed.lastError).toMatch(/refused the recipient \(550\)/);
    smtp.refuse.delete(refused.customer.email);
    const resent = await t().request({ method: 'POST', url: `/v1/notifications/${failed.id}/resend` });
    expect(resent.statusCode, resent.body).toBe(201);
    expect(resent.json()).toMatchObject({ resendOf: failed.id, status: 'pending' });
    await mailFor(refused.customer.email, new RegExp(refused.number));
    // recorded once the server accepted it
    await waitFor(
      async () =>
        (await t().request({ method: 'GET', url: `/v1/notifications/${resent.json().id}` })).json().status ===
        'sent',
      { message: 'the resend recorded as sent' },
    );
    // a pending or skipped one cannot be resent
    const skipped = (await log(refused.id)).find((n) => n.status === 'skipped');
    if (skipped)
      expectProblem(
        await t().request({ method: 'POST', url: `/v1/notifications/${skipped.id}/resend` }),
        409,
      );
    expectProblem(
      await t().request({
        method: 'POST',
        url: '/v1/notifications/0190a000-0000-7000-8000-000000000000/resend',
      }),
      404,
    );
  });

  it('holds a non-urgent SMS made in the buyer’s quiet hours until 08:00 there; an urgent one goes at once', async () => {
    const order = await place();
    // 23:30 in Shanghai, a day from now
    const day = new Date(Date.now() + 86_400_000);
    const lateEvening = new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 15, 30));
    const rows = async () =>
      t()
        .db.selectFrom('notifications')
        .selectAll()
        .where('order_id', '=', order.id)
        .where('channel', '=', 'sms')
        .execute();
    await inTransaction(t().db, (trx) =>
      createNotifications(
        trx,
        {
          kind: 'out_for_delivery',
          orderId: order.id,
          occasion: 'quiet-test',
          sourceEventId: null,
          extra: { shipment: { carrier: 'sf', trackingNumber: 'SF1234567890123' } },
        },
        lateEvening,
      ),
    );
    await inTransaction(t().db, (trx) =>
      createNotifications(
        trx,
        { kind: 'payment_reminder', orderId: order.id, occasion: 'quiet-test', sourceEventId: null },
        lateEvening,
      ),
    );
    const [held] = (await rows()).filter((r) => r.kind === 'out_for_delivery');
    const [urgent] = (await rows()).filter((r) => r.kind === 'payment_reminder');
    expect(held!.next_attempt_at.toISOString()).toBe(
      new Date(lateEvening.getTime() + 8.5 * 3600_000).toISOString(),
    );
    expect(urgent!.next_attempt_at.toISOString()).toBe(lateEvening.toISOString());
    // a sender round before 08:00 there leaves it waiting; one at 08:00 sends it
    await sender.runOnce(new Date(lateEvening.getTime() + 3600_000));
    expect((await rows()).find((r) => r.kind === 'out_for_delivery')!.status).toBe('pending');
    await sender.runOnce(held!.next_attempt_at);
    expect((await rows()).find((r) => r.kind === 'out_for_delivery')!.status).toBe('sent');
    expect(
      gateway.received.some((s) => s.outId === held!.id && s.params.tracking === 'SF1234567890123'),
    ).toBe(true);
  });
});
