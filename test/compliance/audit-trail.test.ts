import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { ensureOrderCustomer } from '../../src/modules/customers/index.js';
import { sealAuditTrail } from '../../src/platform/audit/audit-chain.js';
import { createProduct, NO_COD_TO_TIBET, orderBody, stockedSku } from '../helpers/factories.js';
import { paySandbox } from '../helpers/lifecycle.js';
import { useTestApp } from '../helpers/test-app.js';

const getT = useTestApp();

interface Entry {
  kind: string;
  action: string;
  resourceId: string | null;
  actor: { keyId: string | null; role: string };
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  detail: Record<string, unknown> | null;
  outcome: number | null;
  requestId: string | null;
}

async function audit(query: Record<string, string>): Promise<Entry[]> {
  const res = await getT().request({ method: 'GET', url: '/v1/audit', query });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().data;
}

const keyIdOf = async (key: string) => {
  const res = await getT().request({ method: 'GET', url: '/v1/whoami', key });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().keyId as string;
};

describe('audit trail', () => {
  it('records each audited action (keys, catalog, prices, stock, refunds, cancellations, subscriptions, channels, market rules, PII views, data requests) with its actor, before/after and request id', async () => {
    const t = getT();
    const adminId = await keyIdOf(t.adminKey);
    const support = await t.keyFor('support');
    const warehouse = await t.keyFor('warehouse');
    const finance = await t.keyFor('finance');
    const [supportId, warehouseId, financeId] = await Promise.all([
      keyIdOf(support),
      keyIdOf(warehouse),
      keyIdOf(finance),
    ]);

    // key change by admin
    const made = await t.request({
      method: 'POST',
      url: '/v1/api-keys',
      payload: { name: 'x', role: 'support' },
    });
    expect(made.statusCode, made.body).toBe(201);
    const revoked = await t.request({ method: 'DELETE', url: `/v1/api-keys/${made.json().id}` });
    expect(revoked.statusCode).toBe(204);
    // catalog change by admin
    const [variant] = await createProduct(t, [1000]);
    const patched = await t.request({
      method: 'PATCH',
      url: `/v1/products/${variant!.productId}`,
      payload: { title: 'Renamed' },
    });
    expect(patched.statusCode, patched.body).toBe(200);
    const repriced = await t.request({
      method: 'PATCH',
      url: `/v1/products/${variant!.productId}/variants/${variant!.sku}`,
      payload: { price: 1200 },
    });
    expect(repriced.statusCode, repriced.body).toBe(200);
    // stock adjustment by the warehouse
    const item = await stockedSku(t, 10, 2000);
    const adjusted = await t.request({
      method: 'POST',
      url: '/v1/inventory/adjustments',
      key: warehouse,
      payload: { sku: item.sku, warehouse: item.warehouse, delta: -2, reason: 'damage' },
    });
    expect(adjusted.statusCode, adjusted.body).toBe(201);
    // refund by finance, cancellation by support
    const paidOrder = await t.request({
      method: 'POST',
      url: '/v1/orders',
      payload: orderBody([{ sku: item.sku, quantity: 1 }]),
    });
    expect(paidOrder.statusCode, paidOrder.body).toBe(201);
    const payment = await paySandbox(t, paidOrder.json().id);
    const refund = await t.request({
      method: 'POST',
      url: `/v1/payments/${payment.id}/refunds`,
      key: finance,
      payload: { amount: 100, reason: 'goodwill' },
    });
    expect(refund.statusCode, refund.body).toBe(201);
    const toCancel = await t.request({
      method: 'POST',
      url: '/v1/orders',
      payload: orderBody([{ sku: item.sku, quantity: 1 }]),
    });
    const cancelled = await t.request({
      method: 'POST',
      url: `/v1/orders/${toCancel.json().id}/cancel`,
      key: support,
      payload: { reason: 'customer asked' },
    });
    expect(cancelled.statusCode, cancelled.body).toBe(200);
    // subscription change by admin (a request record)
    const sub = await t.request({
      method: 'POST',
      url: '/v1/subscriptions',
      payload: {
        name: 'audited',
        transport: 'webhook',
        url: 'http://127.0.0.1:9/hook',
        eventTypes: ['order.*'],
      },
    });
    expect(sub.statusCode, sub.body).toBe(201);
    // channel change by admin (a request record)
    const channel = await t.request({
      method: 'POST',
      url: '/v1/channels',
      payload: { kind: 'file', code: 'audited', name: 'Audited files', currency: 'CNY' },
    });
    expect(channel.statusCode, channel.body).toBe(201);
    // market rule change by admin
    const rule = await t.request({
      method: 'POST',
      url: '/v1/compliance/rules',
      payload: NO_COD_TO_TIBET,
    });
    expect(rule.statusCode, rule.body).toBe(201);
    // a PII view by support, and a data request by admin for the cancelled order's customer
    const viewed = await t.request({
      method: 'POST',
      url: `/v1/orders/${toCancel.json().id}/pii-views`,
      key: support,
      payload: { reason: 'caller asked about delivery' },
    });
    expect(viewed.statusCode, viewed.body).toBe(200);
    const customer = await t.db.transaction().execute((trx) => ensureOrderCustomer(trx, toCancel.json().id));
    const exported = await t.request({
      method: 'POST',
      url: `/v1/customers/${customer!.customer.id}/export`,
      payload: {},
    });
    expect(exported.statusCode, exported.body).toBe(202);

    const one = async (query: Record<string, string>) => {
      const rows = await audit(query);
      expect(rows.length, JSON.stringify(query)).toBeGreaterThan(0);
      return rows[0]!;
    };
    const create = await one({ action: 'api_key.create', resourceId: made.json().id });
    expect(create.actor).toMatchObject({ keyId: adminId, role: 'admin' });
    const revoke = await one({ action: 'api_key.revoke', resourceId: made.json().id });
    expect(revoke.before).toMatchObject({ revokedAt: null });
    expect(revoke.after?.revokedAt).toEqual(expect.any(String));
    const product = await one({ action: 'product.update', resourceId: variant!.productId });
    expect(product.after).toEqual({ title: 'Renamed' });
    expect(product.before?.title).toMatch(/^Test product/);
    const price = await one({ action: 'variant.update', resourceId: variant!.sku });
    expect(price).toMatchObject({
      before: { price: 1000 },
      after: { price: 1200 },
      actor: { keyId: adminId },
    });
    const stock = await one({ action: 'stock.adjust', actor: warehouseId });
    expect(stock).toMatchObject({
      before: { onHand: 10 },
      after: { onHand: 8 },
      actor: { role: 'warehouse' },
    });
    const refunded = await one({ action: 'payment.refund', resourceId: payment.id });
    expect(refunded.actor.keyId).toBe(financeId);
    expect(refunded.after).toMatchObject({ amount: 100 });
    const cancel = await one({ action: 'order.cancel', resourceId: toCancel.json().id });
    expect(cancel).toMatchObject({ actor: { keyId: supportId }, before: { status: 'pending_payment' } });
    expect(cancel.after).toMatchObject({ status: 'cancelled' });
    expect(await one({ action: 'POST /v1/channels' })).toMatchObject({
      outcome: 201,
      actor: { keyId: adminId },
    });
    // a rule's name is the staff's wording, not personal data: the trail keeps it, in both records
    expect(await one({ action: 'market_rule.create' })).toMatchObject({
      actor: { keyId: adminId },
      after: { name: 'No COD to Tibet' },
    });
    expect((await one({ action: 'POST /v1/compliance/rules' })).detail).toMatchObject({
      body: { name: 'No COD to Tibet' },
    });
    expect(await one({ action: 'order.pii_view', resourceId: toCancel.json().id })).toMatchObject({
      actor: { keyId: supportId },
    });
    expect(await one({ action: 'customer.export', resourceId: customer!.customer.id })).toMatchObject({
      actor: { keyId: adminId },
    });
    const subscribed = await one({ action: 'POST /v1/subscriptions' });
    expect(subscribed).toMatchObject({ kind: 'request', outcome: 201, actor: { keyId: adminId } });
    // the request record has no secret and no personal data of the order's customer
    expect(JSON.stringify(subscribed.detail)).not.toContain('whsec_');
    const orderRequests = await audit({ action: 'POST /v1/orders' });
    expect(orderRequests.length).toBeGreaterThanOrEqual(2);
    const body = JSON.stringify(orderRequests.map((r) => r.detail));
    expect(body).not.toContain('Li Lei');
    expect(body).not.toContain('Century Avenue');
    expect(body).not.toContain('@example.com');
    expect(orderRequests[0]!.detail).toMatchObject({
      body: { customer: { email: '[redacted]', name: '[redacted]' } },
    });
    // a change and its request share the request id
    const cancelRequest = await one({ action: 'POST /v1/orders/:id/cancel', resourceId: toCancel.json().id });
    expect(cancelRequest.requestId).toBe(cancel.requestId);
    // only admins read it
    const refused = await t.request({ method: 'GET', url: '/v1/audit', key: support });
    expect(refused.statusCode).toBe(403);
  });

  it("records no shopper's writes through a storefront key and no sandbox pay (the provider's stand-in), but an admin's order", async () => {
    const t = getT();
    const storefront = await t.keyFor('storefront');
    const { sku } = await stockedSku(t, 5);
    const cart = await t.request({
      method: 'POST',
      url: '/v1/carts',
      key: storefront,
      payload: { items: [{ sku, quantity: 1 }] },
    });
    expect(cart.statusCode, cart.body).toBe(201);
    const placed = await t.request({
      method: 'POST',
      url: '/v1/orders',
      payload: orderBody([{ sku, quantity: 1 }]),
    });
    expect(placed.statusCode, placed.body).toBe(201);
    const payment = await paySandbox(t, placed.json().id);
    expect(await audit({ action: 'POST /v1/carts', resourceId: cart.json().id })).toEqual([]);
    expect(await audit({ action: 'POST /v1/carts' })).toEqual([]);
    expect(await audit({ action: 'POST /v1/payments/:id/pay', resourceId: payment.id })).toEqual([]);
    const byAdmin = await audit({ action: 'POST /v1/orders/:id/payments', resourceId: placed.json().id });
    expect(byAdmin).toHaveLength(1);
    expect(byAdmin[0]).toMatchObject({ kind: 'request', outcome: 201, actor: { role: 'admin' } });
  });

  it('pages newest first by cursor and refuses a forged cursor', async () => {
    const t = getT();
    const first = await t.request({ method: 'GET', url: '/v1/audit', query: { limit: '2' } });
    const page = first.json();
    expect(page.data).toHaveLength(2);
    const next = await t.request({
      method: 'GET',
      url: '/v1/audit',
      query: { limit: '2', cursor: page.nextCursor },
    });
    const seqs = [...page.data, ...next.json().data].map((e: { seq: string }) => BigInt(e.seq));
    expect([...seqs].sort((a, b) => (a > b ? -1 : 1))).toEqual(seqs);
    expect(new Set(seqs).size).toBe(4);
    const forged = await t.request({
      method: 'GET',
      url: '/v1/audit',
      query: { cursor: 'bm90IGEgY3Vyc29y' },
    });
    expect(forged.statusCode).toBe(400);
  });

  it('refuses UPDATE, DELETE and TRUNCATE of the trail in the database', async () => {
    const { db } = getT();
    await expect(sql`update audit_log set action = 'x'`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from audit_log`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate audit_log`.execute(db)).rejects.toThrow(/append-only/);
    await sealAuditTrail(db);
    await expect(sql`delete from audit_seal`.execute(db)).rejects.toThrow(/append-only/);
  });

  it('finds a tampered row by the hash chain', async () => {
    const t = getT();
    await sealAuditTrail(t.db);
    const before = await t.request({ method: 'GET', url: '/v1/audit/verify' });
    expect(before.json()).toMatchObject({ intact: true, unsealed: 0, broken: null });
    expect(before.json().sealed).toBeGreaterThan(10);
    const target = (await audit({ action: 'stock.adjust' }))[0]!;
    // As a superuser could: switch the guard off, rewrite history, switch it on again.
    await sql`alter table audit_log disable trigger audit_log_append_only`.execute(t.db);
    await sql`update audit_log set after = '{"onHand": 80}' where action = 'stock.adjust'`.execute(t.db);
    await sql`alter table audit_log enable trigger audit_log_append_only`.execute(t.db);
    const after = await t.request({ method: 'GET', url: '/v1/audit/verify' });
    expect(after.json()).toMatchObject({
      intact: false,
      broken: { reason: 'the row differs from what was sealed' },
    });
    const tampered = (await audit({ action: 'stock.adjust' }))[0]! as Entry & { seq: string };
    expect(tampered.after).toEqual({ onHand: 80 });
    expect(target.after).not.toEqual({ onHand: 80 });
  });
});
