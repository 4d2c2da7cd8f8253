import { describe, expect, it } from 'vitest';
import { orderBody, stockedSku } from '../../../test/helpers/factories.js';
import { expectProblem, useTestApp } from '../../../test/helpers/test-app.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { createNotifications } from './create-notifications.js';

describe('notification templates: stored, versioned, checked at save time, previewed on a real order', () => {
  const t = useTestApp();
  const put = (path: string, payload: object, key?: string) =>
    t().request({ method: 'PUT', url: `/v1/notification-templates/${path}`, payload, key });

  it('ships zh-CN and en defaults for every kind by e-mail, and SMS and helpdesk ones where they fit', async () => {
    const all = (await t().request({ method: 'GET', url: '/v1/notification-templates' })).json() as Array<{
      kind: string;
      locale: string;
      channel: string;
      version: number;
    }>;
    const emails = all.filter((x) => x.channel === 'email');
    expect(emails).toHaveLength(20);
    for (const locale of ['zh-CN', 'en']) expect(emails.filter((x) => x.locale === locale)).toHaveLength(10);
    expect(all.every((x) => x.version === 0)).toBe(true);
    expect(all.filter((x) => x.channel === 'sms').map((x) => x.kind)).toContain('payment_reminder');
    expect(all.filter((x) => x.channel === 'helpdesk').map((x) => x.kind)).toContain('return_received');
  });

  it('refuses a broken template, an unknown variable or filter, and a too-long SMS variable with the line', async () => {
    const broken = expectProblem(
      await put('order_paid/en/email', { subject: 'Paid', body: 'Hello\n{% if order.total %}no end' }),
      422,
    );
    expect(broken).toMatchObject({ field: 'body', line: 2 });
    expect(broken.detail).toMatch(/^body: line 2, column \d+: .*not closed/);
    const unknown = expectProblem(
      await put('order_paid/en/email', { subject: 'Paid {{ order.secret }}', body: 'x' }),
      422,
    );
    expect(unknown).toMatchObject({ field: 'subject', line: 1 });
    expect(unknown.detail).toMatch(/undefined variable/);
    // shipment is not part of an order_paid message
    expect(
      expectProblem(
        await put('order_paid/en/email', { subject: 'x', body: 'a\nb\n{{ shipment.carrier }}' }),
        422,
      ).line,
    ).toBe(3);
    expect(
      expectProblem(
        await put('order_paid/en/email', { subject: 'x', body: '{{ order.number | shout }}' }),
        422,
      ).detail,
    ).toMatch(/undefined filter/);
    expectProblem(await put('order_paid/en/email', { body: 'no subject' }), 422);
    const long = expectProblem(
      await put('order_shipped/en/sms', {
        body: 'x',
        smsTemplateCode: 'SMS_1',
        smsParams: { a: '{{ shipment.trackingUrl }}' },
      }),
      422,
    );
    expect(long.detail).toMatch(/35 per variable/);
    expectProblem(await put('order_paid/xx/email', { subject: 'x', body: 'x' }), 400);
    // only admins edit templates
    expectProblem(
      await put('order_paid/en/email', { subject: 'x', body: 'x' }, await t().keyFor('support')),
      403,
    );
  });

  it('saves versions, uses the newest for the next message, and previews against a real order', async () => {
    const v1 = await put('order_paid/en/email', {
      subject: 'Paid: {{ order.number }}',
      body: 'Thanks, {{ customer.name }}: {{ order.total }}',
    });
    expect(v1.statusCode, v1.body).toBe(201);
    expect(v1.json()).toMatchObject({ version: 1, createdBy: 'test admin' });
    const v2 = await put('order_paid/en/email', {
      subject: 'Paid ✓ {{ order.number }}',
      body: 'Thanks, {{ customer.name }}: {{ order.total }}',
    });
    expect(v2.json().version).toBe(2);
    const versions = await t().request({
      method: 'GET',
      url: '/v1/notification-templates/order_paid/en/email/versions',
    });
    expect(versions.json().map((v: { version: number }) => v.version)).toEqual([2, 1, 0]);

    const { sku } = await stockedSku(t(), 10);
    const placed = await t().request({
      method: 'POST',
      url: '/v1/orders',
      payload: orderBody([{ sku, quantity: 1 }], {
        addresses: {
          home: {
            name: 'Jo',
            phone: '+1 212 555 0100',
            country: 'US',
            city: 'New York',
            line1: '1 Main St',
            postalCode: '10001',
          },
        },
      }),
    });
    const order = placed.json();
    const preview = await t().request({
      method: 'POST',
      url: '/v1/notification-templates/preview',
      payload: { kind: 'order_paid', locale: 'en', channel: 'email', orderId: order.id },
    });
    expect(preview.statusCode, preview.body).toBe(200);
    expect(preview.json()).toMatchObject({ subject: `Paid ✓ ${order.number}`, templateVersion: 2 });
    expect(preview.json().body).toMatch(/^Thanks, Li Lei: /);
    const draft = await t().request({
      method: 'POST',
      url: '/v1/notification-templates/preview',
      payload: {
        kind: 'order_shipped',
        locale: 'zh-CN',
        channel: 'email',
        orderId: order.id,
        template: {
          subject: '{{ order.number }} 发货',
          body: '{{ shipment.trackingUrl }} {{ links.unsubscribe }}',
        },
      },
    });
    expect(draft.json().subject).toBe(`${order.number} 发货`);
    expect(draft.json().body).toMatch(/kuaidi100\.com.* http:\/\/127\.0\.0\.1:3000\/v1\/unsubscribe\?token=/);
    expectProblem(
      await t().request({
        method: 'POST',
        url: '/v1/notification-templates/preview',
        payload: {
          kind: 'order_paid',
          locale: 'en',
          channel: 'email',
          orderId: order.id,
          template: { subject: '{{ nope }}', body: 'x' },
        },
      }),
      422,
    );
    expectProblem(
      await t().request({
        method: 'POST',
        url: '/v1/notification-templates/preview',
        payload: {
          kind: 'order_paid',
          locale: 'en',
          channel: 'email',
          orderId: '0190a000-0000-7000-8000-000000000000',
        },
      }),
      404,
    );

    await inTransaction(t().db, (trx) =>
      createNotifications(trx, {
        kind: 'order_paid',
        orderId: order.id,
        occasion: 'test',
        sourceEventId: null,
      }),
    );
    const made = (await t().request({ method: 'GET', url: `/v1/notifications?orderId=${order.id}` })).json();
    expect(made).toHaveLength(1);
    expect(made[0]).toMatchObject({ subject: `Paid ✓ ${order.number}`, locale: 'en', status: 'pending' });
    // the same occasion again makes nothing more (dedupe key)
    await inTransaction(t().db, (trx) =>
      createNotifications(trx, {
        kind: 'order_paid',
        orderId: order.id,
        occasion: 'test',
        sourceEventId: null,
      }),
    );
    expect(
      (await t().request({ method: 'GET', url: `/v1/notifications?orderId=${order.id}` })).json(),
    ).toHaveLength(1);
    expectProblem(await t().request({ method: 'GET', url: '/v1/notifications' }), 400);
  });
});
