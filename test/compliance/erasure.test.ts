import { createHash, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyDueDeliveries, hmacSha256Base64 } from '../../src/modules/channels/index.js';
import { type Relay, registerConsumers } from '../../src/modules/sync/index.js';
import { consumersOf, modules } from '../../src/modules.js';
import { pseudonym } from '../../src/platform/pseudonyms.js';
import { address, createProduct, createWarehouse, orderBody, setStock } from '../helpers/factories.js';
import { genericPush, paySandbox, ship } from '../helpers/lifecycle.js';
import { providerConfig } from '../helpers/providers.js';
import {
  createSubscription,
  startReceiver,
  startRelay,
  testSyncConfig,
  uniq,
  waitFor,
  webhookTransport,
  withSync,
} from '../helpers/sync.js';
import { expectProblem, type TestApp, useTestApp } from '../helpers/test-app.js';

const lines: string[] = [];
const capture = new Writable({
  write(chunk, _encoding, done) {
    lines.push(String(chunk));
    done();
  },
});

const t = useTestApp(
  { ...withSync(), providers: providerConfig() },
  { logger: { level: 'info', stream: capture } },
);

const MEI = {
  email: 'Mei.Zhang.Erase@example.org',
  phones: ['+86 139 8765 4321', '13987654321', '+8613987654321'],
  name: 'Zhang Mei',
  line1: '1266 Nanjing West Road',
  line2: 'Tower 2, Flat 1708',
};
const OTHER = {
  email: 'wang.fang.keeps@example.org',
  phone: '+86 137 1111 2222',
  name: 'Wang Fang',
  line1: '5 Huaihai Middle Road',
};

/** A phone in any spelling: its digits with any separators between them. */
const anyPhone = (digits: string) => new RegExp(digits.split('').join('[\\s().+-]*'));
const plainSha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const meiPatterns = () => {
  const values = [
    MEI.email.toLowerCase(),
    MEI.name.toLowerCase(),
    MEI.line1.toLowerCase(),
    MEI.line2.toLowerCase(),
  ];
  // an unkeyed hash is read back with a dictionary: none of hers, nor the ledger's `email:` form, may stay
  return [...values, ...[...values, `email:${MEI.email.toLowerCase()}`].map(plainSha256)];
};
const holdsMei = (text: string) =>
  meiPatterns().some((p) => text.toLowerCase().includes(p)) || anyPhone('13987654321').test(text);

/** Every row of every table of the schema with a text, JSON or array column, cast to text. */
async function scanDatabase(t: TestApp): Promise<Array<{ table: string; row: string }>> {
  const { rows: tables } = await sql<{ table_name: string }>`
    select distinct table_name from information_schema.columns
    where table_schema = ${t.database.schema}
      and data_type in ('text', 'json', 'jsonb', 'character varying', 'character', 'ARRAY', 'USER-DEFINED', 'tsvector')
    order by table_name`.execute(t.db);
  expect(tables.length).toBeGreaterThan(50);
  const found: Array<{ table: string; row: string }> = [];
  for (const { table_name } of tables) {
    const { rows } = await sql<{
      row: string;
    }>`select r::text as row from ${sql.table(table_name)} r`.execute(t.db);
    for (const { row } of rows) if (holdsMei(row)) found.push({ table: table_name, row: row.slice(0, 300) });
  }
  return found;
}

/**
 * Mei's order on a Shopify shop, through the channels' receive path (signed webhook, stored delivery,
 * applied), then cancelled there: Shopify's own example order, made hers.
 */
async function shopifyOrderOf(t: TestApp): Promise<string> {
  const secret = 'a-webhook-secret-of-the-test-shop';
  const made = await t.request({
    method: 'POST',
    url: '/v1/channels',
    payload: {
      code: `shop-${uniq()}`,
      kind: 'shopify',
      name: 'Shopify',
      currency: 'USD',
      credentials: { accessToken: 'shpat_x' },
      webhookSecret: secret,
    },
  });
  expect(made.statusCode, made.body).toBe(201);
  const channel = made.json() as { id: string; code: string };
  const items = await createProduct(t, [1000, 1000, 1000], 'USD');
  const wh = await createWarehouse(t);
  for (const item of items) await setStock(t, item.sku, wh.code, 50);
  const mapped = await t.request({
    method: 'PUT',
    url: `/v1/channels/${channel.id}/sku-map`,
    payload: {
      entries: ['IPOD2008GREEN', 'IPOD2008RED', 'IPOD2008BLACK'].map((channelSku, i) => ({
        channelSku,
        sku: items[i]!.sku,
      })),
    },
  });
  expect(mapped.statusCode, mapped.body).toBe(200);
  const text = readFileSync(new URL('../fixtures/shopify-order-rest.json', import.meta.url), 'utf8')
    .replaceAll('bob.norman@hostmail.com', MEI.email)
    .replaceAll('Bob Norman', MEI.name)
    .replaceAll('"Bob"', '"Zhang"')
    .replaceAll('"Norman"', '"Mei"')
    .replaceAll('Chestnut Street 92', MEI.line1)
    .replaceAll('555-625-1199', '+86 139-8765-4321');
  const order = JSON.parse(text).order;
  const send = async (topic: string, body: string) => {
    const res = await t.request({
      method: 'POST',
      url: `/v1/channels/${channel.id}/webhooks/shopify`,
      key: null,
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': topic,
        'x-shopify-webhook-id': randomUUID(),
        'x-shopify-hmac-sha256': hmacSha256Base64(secret, body),
      },
      payload: body,
    });
    expect(res.statusCode, res.body).toBe(200);
    await applyDueDeliveries({ db: t.db, orderHooks: t.app.services.orderHooks });
  };
  await send('orders/create', JSON.stringify(order));
  await send(
    'orders/updated',
    JSON.stringify({
      ...order,
      cancelled_at: '2008-01-10T12:00:00-05:00',
      cancel_reason: 'customer',
      updated_at: '2008-01-10T12:00:00-05:00',
    }),
  );
  const placed = await t.db
    .selectFrom('orders')
    .select(['id', 'status'])
    .where('channel', '=', channel.code)
    .executeTakeFirstOrThrow();
  expect(placed.status).toBe('cancelled');
  return placed.id;
}

async function runJob(t: TestApp, url: string) {
  const res = await t.request({ method: 'POST', url });
  expect(res.statusCode, res.body).toBe(202);
  expect(res.headers.location).toBe(`/v1/privacy-requests/${res.json().id}`);
  return waitFor(
    async () => {
      const job = (await t.request({ method: 'GET', url: res.headers.location as string })).json();
      return job.status === 'queued' ? undefined : job;
    },
    { message: `the job ${url}` },
  );
}

describe('data subject requests: export and erase', () => {
  let relay: Relay;
  const receivers: Array<{ close(): Promise<void> }> = [];
  const meiOrders: string[] = [];
  let otherOrder: string;
  let openOrder: { id: string; number: string };
  let customerId: string;

  beforeAll(async () => {
    // Consumers are registered now (they start at the first event) and run once the orders are in.
    const consumer = await registerConsumers(t().db, consumersOf(modules, t().app.services));
    let okSecret: string | undefined;
    let deadSecret: string | undefined;
    const ok = await startReceiver({ secret: () => okSecret });
    const failing = await startReceiver({ secret: () => deadSecret, behave: () => 'fail' });
    receivers.push(ok, failing);
    okSecret = (
      await createSubscription(t(), {
        name: `all ${uniq()}`,
        transport: 'webhook',
        url: ok.url,
        eventTypes: ['*'],
      })
    ).secret!;
    deadSecret = (
      await createSubscription(t(), {
        name: `dead ${uniq()}`,
        transport: 'webhook',
        url: failing.url,
        eventTypes: ['order.placed'],
      })
    ).secret!;

    // her orders are counted against a yearly limit, in the ledger under a keyed pseudonym
    const rule = await t().request({
      method: 'POST',
      url: '/v1/compliance/rules',
      payload: {
        name: 'China yearly',
        scope: { country: 'CN' },
        conditions: { currency: 'CNY', yearlyValueLimit: 100_000_000 },
      },
    });
    expect(rule.statusCode, rule.body).toBe(201);
    const items = await createProduct(t(), [4200, 1990]);
    const wh = await createWarehouse(t(), { region: 'Shanghai' });
    for (const item of items) await setStock(t(), item.sku, wh.code, 500);
    const place = async (i: number, who: 'mei' | 'other') => {
      const phone = who === 'mei' ? MEI.phones[i % MEI.phones.length]! : OTHER.phone;
      const person = who === 'mei' ? MEI : OTHER;
      const res = await t().request({
        method: 'POST',
        url: '/v1/orders',
        payload: orderBody([{ sku: items[i % 2]!.sku, quantity: 1 + (i % 3) }], {
          customer: {
            email: i % 4 === 1 && who === 'mei' ? person.email.toUpperCase() : person.email,
            phone,
            name: person.name,
          },
          addresses: {
            home: address({
              name: person.name,
              phone,
              line1: person.line1,
              ...(who === 'mei' ? { line2: MEI.line2 } : {}),
            }),
          },
          note: i % 5 === 0 ? 'leave at the door' : undefined,
        }),
      });
      expect(res.statusCode, res.body).toBe(201);
      return res.json() as { id: string; number: string; lines: Array<{ id: string }> };
    };
    // 20 orders of Mei's: one from a Shopify shop, and on the web delivered (one returned and
    // refunded), cancelled unpaid, and one still open.
    meiOrders.push(await shopifyOrderOf(t()));
    for (let i = 0; i < 19; i++) {
      const order = await place(i, 'mei');
      meiOrders.push(order.id);
      if (i === 18) {
        openOrder = order;
      } else if (i % 5 !== 0 && i % 5 !== 2) {
        const cancelled = await t().request({
          method: 'POST',
          url: `/v1/orders/${order.id}/cancel`,
          payload: {},
        });
        expect(cancelled.statusCode, cancelled.body).toBe(200);
      } else {
        await paySandbox(t(), order.id);
        const tracking = `SF${String(Date.now()).slice(-10)}${String(i).padStart(3, '0')}`;
        await ship(t(), order.id, wh.code, 'sf', tracking);
        const delivered = await genericPush(t(), 'sf', tracking, [
          {
            id: `sf-${i}`,
            time: new Date().toISOString(),
            status: 'delivered',
            description: `Signed by ${MEI.name}`,
          },
        ]);
        expect(delivered.statusCode, delivered.body).toBe(200);
        if (i === 0) {
          const ret = await t().request({
            method: 'POST',
            url: `/v1/orders/${order.id}/returns`,
            payload: {
              type: 'return_refund',
              reason: 'defective',
              lines: [{ lineId: order.lines[0]!.id, quantity: 1 }],
              note: 'Broken on arrival',
            },
          });
          expect(ret.statusCode, ret.body).toBe(201);
          for (const [verb, payload] of [
            ['approve', {}],
            ['receive', { warehouse: wh.code, sellable: true }],
            ['refund', {}],
          ] as const) {
            const res = await t().request({
              method: 'POST',
              url: `/v1/returns/${ret.json().id}/${verb}`,
              payload,
            });
            expect(res.statusCode, res.body).toBe(200);
          }
        }
      }
    }
    const config = testSyncConfig();
    relay = startRelay(t().db, config, { consumer, webhook: webhookTransport(config) });
    otherOrder = (await place(1, 'other')).id;
    customerId = await waitFor(
      async () => {
        const links = await t()
          .db.selectFrom('customer_orders')
          .select(['order_id', 'customer_id'])
          .where('order_id', 'in', [...meiOrders, otherOrder])
          .execute();
        if (links.length < 21) return undefined;
        const mei = links.find((l) => l.order_id === meiOrders[1])!.customer_id;
        // the Shopify order, its e-mail and phone spelt as Shopify sends them, is hers too
        expect(
          links
            .filter((l) => l.customer_id === mei)
            .map((l) => l.order_id)
            .sort(),
        ).toEqual([...meiOrders].sort());
        return mei;
      },
      { message: 'every order matched to its customer' },
    );
    const note = await t().request({
      method: 'POST',
      url: `/v1/customers/${customerId}/notes`,
      payload: { body: `${MEI.name} prefers calls after 6pm` },
    });
    expect(note.statusCode, note.body).toBe(201);
    // Notifications written, webhook deliveries settled (delivered, and dead for the failing endpoint).
    await waitFor(
      async () => {
        const { rows } = await sql<{ pending: number; dead: number; notes: number }>`
        select (select count(*)::int from deliveries where status = 'pending') as pending,
               (select count(*)::int from deliveries where status = 'dead') as dead,
               (select count(*)::int from notifications where order_id in (select (jsonb_array_elements_text(${JSON.stringify(meiOrders)}::jsonb))::uuid)) as notes`.execute(
          t().db,
        );
        return rows[0]!.pending === 0 && rows[0]!.dead > 0 && rows[0]!.notes > 0;
      },
      { timeoutMs: 30_000, message: 'deliveries settled and notifications written' },
    );
  }, 120_000);

  afterAll(async () => {
    await relay?.stop();
    for (const r of receivers) await r.close();
  });

  it('refuses to erase an unknown customer (404) or one with an open order (409 naming it)', async () => {
    expectProblem(
      await t().request({ method: 'POST', url: '/v1/customers/0193a6f1-7c2e-7000-8000-000000000001/erase' }),
      404,
    );
    expectProblem(
      await t().request({ method: 'POST', url: '/v1/customers/0193a6f1-7c2e-7000-8000-000000000001/export' }),
      404,
    );
    expectProblem(await t().request({ method: 'POST', url: '/v1/customers/not-a-uuid/erase' }), 400);
    const refused = expectProblem(
      await t().request({ method: 'POST', url: `/v1/customers/${customerId}/erase` }),
      409,
    );
    expect(refused.detail).toContain(openOrder.number);
    expect(
      await t().db.selectFrom('privacy_requests').selectAll().where('kind', '=', 'erase').execute(),
    ).toEqual([]);
  });

  it('exports every order and notification of the customer, and nothing of another', async () => {
    const job = await runJob(t(), `/v1/customers/${customerId}/export`);
    expect(job).toMatchObject({ status: 'done', kind: 'export', customerId });
    expect([...job.orderIds].sort()).toEqual([...meiOrders].sort());
    const res = await t().request({ method: 'GET', url: job.archiveUrl });
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    const archive = res.json();
    expect(archive.orders.map((o: { id: string }) => o.id).sort()).toEqual([...meiOrders].sort());
    const notifications = await t()
      .db.selectFrom('notifications')
      .select('id')
      .where('order_id', 'in', meiOrders)
      .execute();
    expect(archive.notifications.map((n: { id: string }) => n.id).sort()).toEqual(
      notifications.map((n) => n.id).sort(),
    );
    expect(archive.notes.map((n: { body: string }) => n.body)).toContain(
      `${MEI.name} prefers calls after 6pm`,
    );
    expect(archive.orders.some((o: { payments: unknown[] }) => o.payments.length > 0)).toBe(true);
    expect(archive.orders.some((o: { returns: unknown[] }) => o.returns.length > 0)).toBe(true);
    expect(archive.orders.some((o: { shipments: unknown[] }) => o.shipments.length > 0)).toBe(true);
    const text = res.body;
    expect(text).toContain(MEI.line1);
    for (const other of [OTHER.email, OTHER.name, OTHER.line1, otherOrder]) expect(text).not.toContain(other);
    expect(text).not.toMatch(/access_token_hash|"action"/);
    const events = await t()
      .db.selectFrom('outbox')
      .select(['type', 'data'])
      .where('subject', '=', customerId)
      .execute();
    expect(events.map((e) => e.type)).toContain('com.ordersync.customer.data_requested');
  });

  it('erases them everywhere, keeping amounts, SKUs, dates and analytics', async () => {
    const cancelled = await t().request({
      method: 'POST',
      url: `/v1/orders/${openOrder.id}/cancel`,
      payload: {},
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    await waitFor(
      async () =>
        (await t().db.selectFrom('deliveries').select('id').where('status', '=', 'pending').execute())
          .length === 0,
      { message: 'settled' },
    );
    const kept = async () => {
      const orders = await t()
        .db.selectFrom('orders')
        .select(['id', 'grand_total', 'placed_at', 'status', 'channel'])
        .where('id', 'in', meiOrders)
        .orderBy('id')
        .execute();
      const orderLines = await t()
        .db.selectFrom('order_lines')
        .select(['order_id', 'sku', 'quantity', 'line_total'])
        .where('order_id', 'in', meiOrders)
        .orderBy('id')
        .execute();
      const regions = await t()
        .db.selectFrom('order_addresses')
        .select(['order_id', 'country', 'province', 'city'])
        .where('order_id', 'in', meiOrders)
        .orderBy('order_id')
        .execute();
      return { orders, orderLines, regions };
    };
    const range = `from=${new Date(Date.now() - 86_400_000).toISOString()}&to=${new Date(Date.now() + 86_400_000).toISOString()}`;
    const sales = async () =>
      (await t().request({ method: 'GET', url: `/v1/analytics/sales?${range}&granularity=day` })).json();
    const before = await kept();
    const salesBefore = await sales();
    expect((await scanDatabase(t())).length).toBeGreaterThan(0); // the scan sees their data before

    const job = await runJob(t(), `/v1/customers/${customerId}/erase`);
    expect(job, JSON.stringify(job)).toMatchObject({ status: 'done', kind: 'erase' });
    // the events that follow (customer.redacted) are delivered with the rest
    await waitFor(
      async () =>
        (await t().db.selectFrom('deliveries').select('id').where('status', '=', 'pending').execute())
          .length === 0,
      { message: 'settled' },
    );

    expect(await scanDatabase(t())).toEqual([]);
    // the yearly count stays, under her keyed pseudonym
    const ledger = await t()
      .db.selectFrom('compliance_yearly_totals')
      .select(['person_key', 'used'])
      .execute();
    expect(ledger.map((r) => r.person_key)).toContain(
      pseudonym(t().config.pseudonymKey!, `email:${MEI.email.toLowerCase()}`),
    );
    const log = lines.join('');
    expect(log).toContain(meiOrders[1]); // the log was captured
    expect(holdsMei(log)).toBe(false);

    expect(await kept()).toEqual(before);
    expect(await sales()).toEqual(salesBefore);
    const other = await t()
      .db.selectFrom('orders')
      .select(['customer_email', 'customer_name'])
      .where('id', '=', otherOrder)
      .executeTakeFirstOrThrow();
    expect(other).toEqual({ customer_email: OTHER.email, customer_name: OTHER.name });
    const redacted = await t()
      .db.selectFrom('outbox')
      .select(['type', 'data'])
      .where('subject', '=', customerId)
      .where('type', '=', 'com.ordersync.customer.redacted')
      .executeTakeFirstOrThrow();
    expect(redacted.data).toMatchObject({ customerId, requestId: job.id });
    // the export made before is gone with the rest
    const exports = await t()
      .db.selectFrom('privacy_requests')
      .select('archive')
      .where('kind', '=', 'export')
      .execute();
    expect(exports.map((e) => e.archive)).toEqual([null]);
  });
});
