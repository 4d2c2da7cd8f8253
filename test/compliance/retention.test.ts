import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { privacyModule } from '../../src/modules/privacy/index.js';
import { newId } from '../../src/platform/ids.js';
import { loadRetentionConfig } from '../../src/platform/retention-config.js';
import { matchNow, placeOrderFor } from '../helpers/customers.js';
import { stockedSku } from '../helpers/factories.js';
import { createSubscription, uniq, waitFor } from '../helpers/sync.js';
import { type TestApp, useTestApp } from '../helpers/test-app.js';

const t = useTestApp();

/** What the counters of the retention job say now, by kind (process-wide: compared before and after). */
async function purgedCounters(t: TestApp): Promise<Record<string, number>> {
  const text = (await t.request({ method: 'GET', url: '/metrics', key: null })).body;
  const counts: Record<string, number> = {};
  for (const m of text.matchAll(/^ordersync_retention_purged_total\{kind="(\w+)"\} (\d+)/gm))
    counts[m[1]!] = Number(m[2]);
  return counts;
}

/** Sets a row's time column `days` ago: the data's age, not the clock, is what the test moves. */
const age = (t: TestApp, table: string, column: string, id: string, days: number) =>
  sql`update ${sql.table(table)} set ${sql.ref(column)} = now() - make_interval(days => ${days}) where id = ${id}`.execute(
    t.db,
  );

async function job(t: TestApp, url: string) {
  const res = await t.request({ method: 'POST', url });
  expect(res.statusCode, res.body).toBe(202);
  return waitFor(async () => {
    const j = (await t.request({ method: 'GET', url: res.headers.location as string })).json();
    return j.status === 'done' ? j : undefined;
  });
}

async function customerWithCancelledOrder(t: TestApp, sku: string) {
  const orderId = await placeOrderFor(t, sku, { email: `gone-${uniq()}@example.org`, name: 'Chen Jing' });
  const customer = await matchNow(t, orderId);
  const cancelled = await t.request({ method: 'POST', url: `/v1/orders/${orderId}/cancel`, payload: {} });
  expect(cancelled.statusCode, cancelled.body).toBe(200);
  return { orderId, customerId: customer.id as string };
}

describe('retention', () => {
  it('reads its terms from the environment, with the defaults of docs/privacy.md', () => {
    const problems: string[] = [];
    expect(loadRetentionConfig({ RETENTION_DELIVERY_LOGS: '30d' }, problems)).toEqual({
      abandonedCartsSeconds: 30 * 86_400,
      deliveryLogsSeconds: 30 * 86_400,
      notificationLogsSeconds: 180 * 86_400,
      exportArchivesSeconds: 7 * 86_400,
      erasedCustomersSeconds: 1095 * 86_400,
    });
    loadRetentionConfig({ RETENTION_ABANDONED_CARTS: 'a month' }, problems);
    expect(problems).toEqual([expect.stringContaining('RETENTION_ABANDONED_CARTS')]);
  });

  it('deletes each kind of data past its term and nothing younger, counted per kind', async () => {
    const { sku } = await stockedSku(t(), 1500);
    // carts: one abandoned 31 days ago, one touched 29 days ago
    const carts = [];
    for (let i = 0; i < 2; i++) {
      const res = await t().request({ method: 'POST', url: '/v1/carts', payload: {} });
      expect(res.statusCode, res.body).toBe(201);
      carts.push(res.json().id as string);
    }
    const item = await t().request({
      method: 'POST',
      url: `/v1/carts/${carts[0]}/items`,
      payload: { sku, quantity: 1 },
    });
    expect(item.statusCode, item.body).toBe(201);
    await age(t(), 'carts', 'updated_at', carts[0]!, 31);
    await age(t(), 'carts', 'updated_at', carts[1]!, 29);

    // deliveries: settled ones 91 days old go, a pending one of that age and a recent one stay
    const sub = await createSubscription(t(), {
      name: `old ${uniq()}`,
      transport: 'webhook',
      url: 'http://127.0.0.1:9/hooks',
      eventTypes: ['order.flagged'],
    });
    const delivery = async (status: string, days: number) => {
      const id = newId();
      await sql`insert into deliveries (id, subscription_id, event_id, event_position, event_type, subject, sequence, status, created_at)
        values (${id}, ${sub.id}, ${newId()}, 1, 'com.ordersync.order.flagged', ${newId()}, 1, ${status}, now() - make_interval(days => ${days}))`.execute(
        t().db,
      );
      return id;
    };
    const deliveries = {
      oldDelivered: await delivery('delivered', 91),
      oldDead: await delivery('dead', 91),
      oldPending: await delivery('pending', 91),
      recent: await delivery('delivered', 10),
    };

    // notifications: sent 181 days ago goes, one resent from it stays (unlinked), a pending one stays
    const notification = async (status: string, days: number, resendOf: string | null = null) => {
      const id = newId();
      await sql`insert into notifications (id, dedupe_key, kind, category, urgent, channel, locale, order_id, status, recipient, resend_of, created_at)
        values (${id}, ${id}, 'order_shipped', 'transactional', false, 'email', 'en', ${newId()}, ${status}, 'someone@example.org', ${resendOf}, now() - make_interval(days => ${days}))`.execute(
        t().db,
      );
      return id;
    };
    const oldSent = await notification('sent', 181);
    const resent = await notification('sent', 5, oldSent);
    const oldPending = await notification('pending', 181);

    // an export done 8 days ago loses its archive; an erasure done over three years ago loses its
    // orders and customer, one done last year keeps them
    const exported = await customerWithCancelledOrder(t(), sku);
    const oldExport = await job(t(), `/v1/customers/${exported.customerId}/export`);
    await age(t(), 'privacy_requests', 'finished_at', oldExport.id, 8);
    const longGone = await customerWithCancelledOrder(t(), sku);
    const oldErasure = await job(t(), `/v1/customers/${longGone.customerId}/erase`);
    await age(t(), 'privacy_requests', 'finished_at', oldErasure.id, 3 * 365 + 1);
    const recentlyGone = await customerWithCancelledOrder(t(), sku);
    const recentErasure = await job(t(), `/v1/customers/${recentlyGone.customerId}/erase`);
    await age(t(), 'privacy_requests', 'finished_at', recentErasure.id, 365);

    const before = await purgedCounters(t());
    // the module's scheduled job, as serve and worker run it, in two processes at once
    const deps = { db: t().db, log: undefined as never, config: t().config };
    const runs = [privacyModule.jobs(deps), privacyModule.jobs(deps)].map(
      (jobs) => jobs.find((j) => j.name === 'retention')!,
    );
    const handled = await Promise.all(runs.map((r) => r.run(new Date())));
    expect(handled[0]! + handled[1]!).toBe(1 + 2 + 1 + 1 + 1);

    const ids = async (table: 'carts' | 'deliveries' | 'notifications', wanted: string[]) =>
      (await t().db.selectFrom(table).select('id').where('id', 'in', wanted).execute())
        .map((r) => r.id)
        .sort();
    expect(await ids('carts', carts)).toEqual([carts[1]]);
    expect(
      await t().db.selectFrom('cart_items').select('id').where('cart_id', '=', carts[0]!).execute(),
    ).toEqual([]);
    expect(await ids('deliveries', Object.values(deliveries))).toEqual(
      [deliveries.oldPending, deliveries.recent].sort(),
    );
    expect(await ids('notifications', [oldSent, resent, oldPending])).toEqual([resent, oldPending].sort());
    const archive = await t().request({ method: 'GET', url: `/v1/privacy-requests/${oldExport.id}/archive` });
    expect(archive.statusCode).toBe(404);
    const orders = await t()
      .db.selectFrom('orders')
      .select('id')
      .where('id', 'in', [longGone.orderId, recentlyGone.orderId, exported.orderId])
      .execute();
    expect(orders.map((o) => o.id).sort()).toEqual([recentlyGone.orderId, exported.orderId].sort());
    expect(
      await t().db.selectFrom('customers').select('id').where('id', '=', longGone.customerId).execute(),
    ).toEqual([]);
    expect(
      await t().db.selectFrom('order_lines').select('id').where('order_id', '=', longGone.orderId).execute(),
    ).toEqual([]);
    const erasure = await t()
      .db.selectFrom('privacy_requests')
      .select('purged_at')
      .where('id', '=', oldErasure.id)
      .executeTakeFirstOrThrow();
    expect(erasure.purged_at).not.toBeNull();

    const after = await purgedCounters(t());
    const delta = (kind: string) => (after[kind] ?? 0) - (before[kind] ?? 0);
    expect({
      abandoned_carts: delta('abandoned_carts'),
      delivery_logs: delta('delivery_logs'),
      notification_logs: delta('notification_logs'),
      export_archives: delta('export_archives'),
      erased_customers: delta('erased_customers'),
    }).toEqual({
      abandoned_carts: 1,
      delivery_logs: 2,
      notification_logs: 1,
      export_archives: 1,
      erased_customers: 1,
    });

    // a second round finds nothing more
    const again = await runs[0]!.run(new Date(Date.now() + 11 * 60_000));
    expect(again).toBe(0);
  });
});
