import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import { matchNow, mobile, placeOrderFor } from '../../../test/helpers/customers.js';
import { stockedSku } from '../../../test/helpers/factories.js';
import { quietLog, uniq } from '../../../test/helpers/sync.js';
import { expectProblem, useTestApp } from '../../../test/helpers/test-app.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { createNotifications } from './create-notifications.js';
import * as preferencesToCustomers from './migrations/20261206_0700_preferences_to_customers.js';
import { NotificationSender } from './notification-sender.js';

/** 23:30 in Shanghai, a day from now: inside the quiet hours. */
function lateEvening(): Date {
  const day = new Date(Date.now() + 86_400_000);
  return new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 15, 30));
}

describe('contact preferences: kept by customers, obeyed by notifications', () => {
  const t = useTestApp();
  let sku: string;
  beforeAll(async () => {
    sku = (await stockedSku(t(), 1_000)).sku;
  });

  const customerUrl = (id: string) => `/v1/customers/${id}`;
  const messages = (orderId: string) =>
    t()
      .db.selectFrom('notifications')
      .selectAll()
      .where('order_id', '=', orderId)
      .orderBy('channel')
      .execute();
  const notify = (orderId: string, kind: 'out_for_delivery' | 'order_delivered', occasion = uniq()) =>
    inTransaction(t().db, (trx) =>
      createNotifications(trx, {
        kind,
        orderId,
        occasion,
        sourceEventId: null,
        extra: kind === 'out_for_delivery' ? { shipment: { carrier: 'sf', trackingNumber: 'SF1' } } : {},
      }),
    );

  it('marketing is opt-in; a category switched off through /v1/customers/{id} stops its messages on that channel', async () => {
    const orderId = await placeOrderFor(t(), sku, { phone: mobile() });
    const customer = await matchNow(t(), orderId);
    const shown = (await t().request({ method: 'GET', url: customerUrl(customer.id) })).json();
    expect(shown.preferences).toEqual({
      transactional: { email: true, sms: true },
      delivery_updates: { email: true, sms: true },
      reminders: { email: true, sms: true },
      marketing: { email: false, sms: false },
    });

    const patched = await t().request({
      method: 'PATCH',
      url: customerUrl(customer.id),
      payload: { preferences: { delivery_updates: { sms: false }, marketing: { email: true } } },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json().preferences).toMatchObject({
      delivery_updates: { email: true, sms: false },
      marketing: { email: true, sms: false },
    });
    await notify(orderId, 'out_for_delivery');
    const made = await messages(orderId);
    expect(made.find((m) => m.channel === 'sms')).toMatchObject({
      status: 'skipped',
      skip_reason: 'the customer switched off delivery_updates',
    });
    expect(made.find((m) => m.channel === 'email')).toMatchObject({ status: 'pending' });
  });

  it('the unsubscribe link switches the category off by its channel in the customer, as /v1/customers/{id} shows', async () => {
    const orderId = await placeOrderFor(t(), sku, { phone: mobile() });
    const customer = await matchNow(t(), orderId);
    const preview = await t().request({
      method: 'POST',
      url: '/v1/notification-templates/preview',
      payload: { kind: 'order_delivered', locale: 'zh-CN', channel: 'email', orderId },
    });
    expect(preview.statusCode, preview.body).toBe(200);
    const link = new URL(/https?:\/\/\S+\/v1\/unsubscribe\?token=[\w.-]+/.exec(preview.json().body)![0]);
    const path = link.pathname + link.search;

    // GET only tells; POST (one click, no key) switches off
    const told = await t().request({ method: 'GET', url: path, key: null });
    expect(told.json()).toEqual({ category: 'delivery_updates', channels: ['email'], unsubscribed: false });
    const before = (await t().request({ method: 'GET', url: customerUrl(customer.id) })).json();
    expect(before.preferences.delivery_updates).toEqual({ email: true, sms: true });
    const oneClick = await t().request({
      method: 'POST',
      url: path,
      key: null,
      payload: 'List-Unsubscribe=One-Click',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(oneClick.statusCode, oneClick.body).toBe(200);
    const after = (await t().request({ method: 'GET', url: customerUrl(customer.id) })).json();
    expect(after.preferences.delivery_updates).toEqual({ email: false, sms: true });
    expect(after.version).toBe(before.version + 1);
    expect(after.timeline.at(-1)).toMatchObject({ kind: 'customer.updated', actor: 'unsubscribe link' });

    await notify(orderId, 'order_delivered');
    expect((await messages(orderId)).find((m) => m.channel === 'email')).toMatchObject({
      status: 'skipped',
      skip_reason: 'the customer switched off delivery_updates',
    });
    expectProblem(await t().request({ method: 'POST', url: `${path}x`, key: null }), 400);
  });

  it('an SMS is a recorded skip at once when no SMS provider is configured, also one held for quiet hours', async () => {
    const orderId = await placeOrderFor(t(), sku, { phone: mobile() });
    const at = lateEvening();
    await inTransaction(t().db, (trx) =>
      createNotifications(
        trx,
        {
          kind: 'out_for_delivery',
          orderId,
          occasion: 'no-sms',
          sourceEventId: null,
          extra: { shipment: { carrier: 'sf', trackingNumber: 'SF2' } },
        },
        at,
      ),
    );
    const held = (await messages(orderId)).find((m) => m.channel === 'sms')!;
    expect(held.status).toBe('pending');
    expect(held.next_attempt_at.getTime()).toBeGreaterThan(at.getTime());

    // a sender with e-mail only: its first round, in the quiet hours, records the SMS as skipped
    const emailOnly = new NotificationSender(
      t().db,
      { email: { send: async () => ({ providerMessageId: 'm-1' }) } },
      t().config.notifications,
      quietLog,
    );
    await emailOnly.runOnce(at);
    const after = await messages(orderId);
    expect(after.find((m) => m.channel === 'sms')).toMatchObject({
      status: 'skipped',
      skip_reason: 'no SMS provider configured',
      attempts: 0,
    });
    expect(after.find((m) => m.channel === 'email')).toMatchObject({ status: 'sent' });
  });

  it('migrates the old notification_preferences rows into the customers they name and drops the table', async () => {
    const [a, b, c, absorbed, survivor] = await Promise.all(
      [0, 1, 2, 3, 4].map(async () => {
        const email = `Old-${uniq()}@Example.com`;
        const orderId = await placeOrderFor(t(), sku, { email, phone: mobile() });
        return { email: email.toLowerCase(), orderId, customer: await matchNow(t(), orderId) };
      }),
    );
    // a's marketing consent by e-mail was given in customers; the old store said no to marketing
    await t().request({
      method: 'PATCH',
      url: customerUrl(a!.customer.id),
      payload: { preferences: { marketing: { email: true } } },
    });
    const merged = await t().request({
      method: 'POST',
      url: `${customerUrl(survivor!.customer.id)}/merge`,
      payload: { customerId: absorbed!.customer.id },
    });
    expect(merged.statusCode, merged.body).toBe(200);

    await preferencesToCustomers.down(t().db as never);
    await sql`delete from notification_preferences`.execute(t().db);
    const rows: Array<[string, string, boolean]> = [
      [a!.customer.id, 'delivery_updates', false],
      [a!.customer.id, 'marketing', false],
      [b!.email, 'marketing', true],
      [`order:${c!.orderId}`, 'reminders', false],
      [absorbed!.customer.id, 'delivery_updates', false],
      ['nobody@example.com', 'reminders', false],
    ];
    for (const [key, category, enabled] of rows) {
      await sql`insert into notification_preferences (customer_key, category, enabled)
                values (${key}, ${category}, ${enabled})`.execute(t().db);
    }
    await preferencesToCustomers.up(t().db as never);

    const prefs = async (id: string) =>
      (await t().request({ method: 'GET', url: customerUrl(id) })).json().preferences;
    expect(await prefs(a!.customer.id)).toMatchObject({
      delivery_updates: { email: false, sms: false },
      marketing: { email: false, sms: false },
    });
    expect((await prefs(b!.customer.id)).marketing).toEqual({ email: true, sms: true });
    expect((await prefs(c!.customer.id)).reminders).toEqual({ email: false, sms: false });
    expect((await prefs(survivor!.customer.id)).delivery_updates).toEqual({ email: false, sms: false });
    const left = await sql<{
      n: string | null;
    }>`select to_regclass('notification_preferences')::text as n`.execute(t().db);
    expect(left.rows[0]!.n).toBeNull();
  });
});
