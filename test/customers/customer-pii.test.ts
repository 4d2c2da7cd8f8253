import { beforeAll, describe, expect, it } from 'vitest';
import { matchNow } from '../helpers/customers.js';
import { address, orderBody, stockedSku } from '../helpers/factories.js';
import { expectProblem, useTestApp } from '../helpers/test-app.js';

const t = useTestApp();

describe("customers' personal data by role", () => {
  const email = 'wang.fang@example.cn';
  const phone = '+8613800000000';
  let customerId: string;
  let orderId: string;
  let support: string;
  const get = (url: string, key?: string) => t().request({ method: 'GET', url, key });

  beforeAll(async () => {
    const item = await stockedSku(t(), 5);
    const placed = await t().request({
      method: 'POST',
      url: '/v1/orders',
      payload: orderBody([{ sku: item.sku, quantity: 1 }], {
        customer: { email, phone, name: 'Wang Fang' },
        addresses: { home: address({ name: 'Wang Fang', phone, line1: '5 Huaihai Road' }) },
      }),
    });
    expect(placed.statusCode, placed.body).toBe(201);
    orderId = placed.json().id;
    customerId = (await matchNow(t(), orderId)).id;
    support = await t().keyFor('support');
  });

  const maskedContact = { name: 'W*** F***', email: 'w***@example.cn', phone: '138****0000' };

  it('support finds a customer by the full phone or e-mail and sees the answers masked', async () => {
    for (const q of [
      '138 0000 0000',
      '+86 13800000000',
      '13800000000',
      'WANG.FANG@example.cn',
      'Wang Fang',
    ]) {
      const res = await get(`/v1/customers?q=${encodeURIComponent(q)}`, support);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().data, q).toEqual([expect.objectContaining({ id: customerId, ...maskedContact })]);
      expect(res.body).not.toContain(email);
    }
  });

  it("support sees the customer's page, overview and the order's customer section masked; admin sees all", async () => {
    const detail = await get(`/v1/customers/${customerId}`, support);
    expect(detail.statusCode, detail.body).toBe(200);
    expect(detail.json()).toMatchObject(maskedContact);
    expect(detail.json().addresses[0]).toMatchObject({
      name: 'W*** F***',
      phone: '138****0000',
      line1: '***',
      city: 'Shanghai',
    });
    expect(detail.json().orders[0].customer).toEqual(maskedContact);

    const overview = await get(`/v1/customers/${customerId}/overview`, support);
    expect(overview.statusCode, overview.body).toBe(200);
    expect(overview.json().customer).toMatchObject(maskedContact);
    expect(overview.json().orders[0].customer).toEqual(maskedContact);
    expect(overview.json().orders[0].addresses.home.line1).toBe('***');

    const order = await get(`/v1/orders/${orderId}`, support);
    expect(order.json().customerProfile).toMatchObject(maskedContact);

    for (const res of [detail, overview, order]) {
      for (const secret of [email, '13800000000', 'Huaihai', 'Wang Fang'])
        expect(res.body).not.toContain(secret);
    }

    const patched = await t().request({
      method: 'PATCH',
      url: `/v1/customers/${customerId}`,
      payload: { tags: ['vip'] },
      key: support,
    });
    expect(patched.json()).toMatchObject(maskedContact);

    const admin = (await get(`/v1/customers/${customerId}/overview`)).json();
    expect(admin.customer).toMatchObject({ name: 'Wang Fang', email, phone });
    expect(admin.customer.addresses[0].line1).toBe('5 Huaihai Road');
    expect(admin.orders[0].customer).toEqual({ name: 'Wang Fang', email, phone });
    expect((await get(`/v1/customers?q=13800000000`)).json().data[0]).toMatchObject({ email, phone });
  });

  it('support opens the record with a reason, which is audited; no reason, no customer or no right is refused', async () => {
    const pii = (id: string, payload: object, key = support) =>
      t().request({ method: 'POST', url: `/v1/customers/${id}/pii-views`, payload, key });
    expectProblem(await pii(customerId, {}), 400);
    expectProblem(await pii('0193a6f1-7c2e-7000-8000-000000000001', { reason: 'caller asked' }), 404);
    expectProblem(await pii(customerId, { reason: 'curious' }, await t().keyFor('warehouse')), 403);

    const opened = await pii(customerId, { reason: 'caller asked to change the address' });
    expect(opened.statusCode, opened.body).toBe(200);
    expect(opened.json()).toMatchObject({
      customerId,
      customer: { name: 'Wang Fang', email, phone },
      addresses: [expect.objectContaining({ line1: '5 Huaihai Road', phone })],
    });

    const whoami = await get('/v1/whoami', support);
    const audit = await t().request({
      method: 'GET',
      url: '/v1/audit',
      query: { action: 'customer.pii_view', resourceId: customerId },
    });
    expect(audit.json().data).toHaveLength(1);
    expect(audit.json().data[0]).toMatchObject({
      actor: { keyId: whoami.json().keyId, role: 'support' },
      detail: { reason: 'caller asked to change the address' },
    });
    // opening changes nothing about what support sees next time
    expect((await get(`/v1/customers/${customerId}`, support)).json()).toMatchObject(maskedContact);
  });
});
