import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type PlaceOrderInput, placedOrderId, placeOrder } from '../src/modules/orders/index.js';
import { idempotencyExpiry } from '../src/platform/http/idempotency-expiry.js';
import { claimKey, committedWrites } from '../src/platform/http/idempotency-keys.js';
import { newId } from '../src/platform/ids.js';
import { orderBody, stockedSku } from './helpers/factories.js';
import { expectProblem, useTestApp } from './helpers/test-app.js';

describe('Idempotency-Key records', () => {
  const t = useTestApp();
  const post = (url: string, payload: object, key: string) =>
    t().request({ method: 'POST', url, payload, headers: { 'idempotency-key': key } });
  const storedBodies = async () =>
    (await t().db.selectFrom('idempotency_keys').select('response_body').execute()).map(
      (r) => r.response_body ?? '',
    );

  it('never keep a new API key or signing secret, and a repeat does not show it again', async () => {
    const key = `k-${newId()}`;
    const first = await post('/v1/api-keys', { name: 'erp', role: 'channel', channel: 'erp' }, key);
    expect(first.statusCode).toBe(201);
    const created = first.json() as { id: string; key: string };
    const repeat = expectProblem(
      await post('/v1/api-keys', { name: 'erp', role: 'channel', channel: 'erp' }, key),
      409,
      'conflict',
    );
    expect(repeat.created).toEqual({ id: created.id, name: 'erp', role: 'channel', channel: 'erp' });
    expect(JSON.stringify(repeat)).not.toContain(created.key);
    expect(await t().db.selectFrom('api_keys').where('name', '=', 'erp').select('id').execute()).toHaveLength(
      1,
    );

    const sub = await post(
      '/v1/subscriptions',
      { name: 'crm', transport: 'webhook', url: 'https://93.184.215.14/hooks', eventTypes: ['*'] },
      `s-${newId()}`,
    );
    expect(sub.statusCode, sub.body).toBe(201);
    const { id, secret } = sub.json() as { id: string; secret: string };
    const rotated = await post(`/v1/subscriptions/${id}/rotate-secret`, {}, `r-${newId()}`);
    expect(rotated.statusCode, rotated.body).toBe(200);

    const bodies = (await storedBodies()).join('\n');
    for (const plaintext of [created.key, secret, rotated.json().secret as string]) {
      expect(bodies).not.toContain(plaintext);
    }
  });

  it("never keep an order's access token: a repeat gets the order with a new one, the first revoked", async () => {
    const item = await stockedSku(t(), 5);
    const key = `o-${newId()}`;
    const body = orderBody([{ sku: item.sku, quantity: 1 }]);
    const first = await post('/v1/orders', body, key);
    expect(first.statusCode, first.body).toBe(201);
    const token = first.json().accessToken as string;
    expect(token).toMatch(/^oat_/);

    const repeat = await post('/v1/orders', body, key);
    expect(repeat.statusCode, repeat.body).toBe(201);
    expect(repeat.headers['idempotent-replayed']).toBe('true');
    expect(repeat.json()).toMatchObject({ id: first.json().id, number: first.json().number });
    const fresh = repeat.json().accessToken as string;
    expect(fresh).toMatch(/^oat_/);
    expect(fresh).not.toBe(token);

    const stored = (await storedBodies()).join('\n');
    expect(stored).toContain(first.json().id);
    for (const plaintext of [token, fresh]) expect(stored).not.toContain(plaintext);
    const order = await t()
      .db.selectFrom('orders')
      .select('access_token_hash')
      .where('id', '=', first.json().id)
      .executeTakeFirstOrThrow();
    expect(order.access_token_hash).toBe(createHash('sha256').update(fresh).digest('hex'));
  });

  it('are deleted by the expiry job once older than the retention', async () => {
    const item = await stockedSku(t(), 10);
    const old = `old-${newId()}`;
    const fresh = `fresh-${newId()}`;
    for (const key of [old, fresh]) {
      expect((await post('/v1/orders', orderBody([{ sku: item.sku, quantity: 1 }]), key)).statusCode).toBe(
        201,
      );
    }
    await t()
      .db.updateTable('idempotency_keys')
      .set({ created_at: new Date(Date.now() - 25 * 3600_000) })
      .where('key', '=', old)
      .execute();
    const job = idempotencyExpiry(t().db, 24 * 3600);
    expect(await job.run(new Date())).toBeGreaterThanOrEqual(1);
    const left = await t()
      .db.selectFrom('idempotency_keys')
      .select('key')
      .where('key', 'in', [old, fresh])
      .execute();
    expect(left.map((r) => r.key)).toEqual([fresh]);
  });

  it('tie an order to its key: an attempt whose key was taken over cannot place it', async () => {
    const item = await stockedSku(t(), 5);
    const mine = { scope: 'test', key: `taken-${newId()}`, claim: newId() };
    expect(await claimKey(t().db, mine, 'hash', 30)).toBe(true);
    const ctx = {
      actor: 'test',
      paymentTimeoutSeconds: 60,
      paymentMethods: new Set(['sandbox']),
      onPlacing: [],
    };
    const body = orderBody([{ sku: item.sku, quantity: 2 }]) as PlaceOrderInput;
    // Another attempt took the key over: this one's claim is gone, so its order statement is refused whole.
    const lost = { ...mine, claim: newId() };
    await expect(
      placeOrder(t().db, body, { ...ctx, alongside: committedWrites(lost, placedOrderId) }),
    ).rejects.toMatchObject({ code: 'P0001', message: 'idempotency_claim_lost' });
    expect(
      await t().db.selectFrom('orders').where('customer_email', '=', body.customer.email).execute(),
    ).toEqual([]);
    // The holder's order goes through and records itself on the key, in the same statement.
    const order = await placeOrder(t().db, body, { ...ctx, alongside: committedWrites(mine, placedOrderId) });
    const row = await t()
      .db.selectFrom('idempotency_keys')
      .select('resource')
      .where('key', '=', mine.key)
      .executeTakeFirstOrThrow();
    expect(row.resource).toBe(order.id);
  });

  it('answer a retry with the order its first attempt committed when that attempt never answered', async () => {
    const item = await stockedSku(t(), 5);
    const key = `cut-${newId()}`;
    const body = orderBody([{ sku: item.sku, quantity: 1 }]);
    const first = await post('/v1/orders', body, key);
    expect(first.statusCode).toBe(201);
    // What a SIGKILL between the order's commit and the stored answer leaves behind.
    await t()
      .db.updateTable('idempotency_keys')
      .set({ state: 'in_progress', response_status: null, response_body: null })
      .where('key', '=', key)
      .execute();
    const retry = await post('/v1/orders', body, key);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json().id).toBe(first.json().id);
    expect(
      await t().db.selectFrom('orders').where('customer_email', '=', body.customer.email).execute(),
    ).toHaveLength(1);
  });
});
