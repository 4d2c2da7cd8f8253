import { describe, expect, it } from 'vitest';
import { address, orderBody, stockedSku } from '../helpers/factories.js';
import { useTestApp } from '../helpers/test-app.js';

const t = useTestApp();

describe('personal data by role', () => {
  it('support sees contact and address masked until it opens them with a reason, which is audited', async () => {
    const item = await stockedSku(t(), 5);
    const placed = await t().request({
      method: 'POST',
      url: '/v1/orders',
      payload: orderBody([{ sku: item.sku, quantity: 1 }], {
        customer: { email: 'wang.fang@example.cn', phone: '+8613800000000', name: 'Wang Fang' },
        addresses: { home: address({ name: 'Wang Fang', phone: '+8613800000000', line1: '5 Huaihai Road' }) },
      }),
    });
    expect(placed.statusCode, placed.body).toBe(201);
    const id = placed.json().id;
    const support = await t().keyFor('support');

    const masked = await t().request({ method: 'GET', url: `/v1/orders/${id}`, key: support });
    expect(masked.json().customer).toEqual({
      email: 'w***@example.cn',
      phone: '138****0000',
      name: 'W*** F***',
    });
    expect(masked.json().addresses.home).toMatchObject({
      name: 'W*** F***',
      phone: '138****0000',
      line1: '***',
      city: 'Shanghai',
      province: 'Shanghai',
    });
    expect(masked.body).not.toContain('Huaihai');
    const listed = await t().request({
      method: 'GET',
      url: '/v1/orders',
      key: support,
      query: { limit: '200' },
    });
    expect(listed.body).not.toContain('wang.fang@example.cn');

    const admin = await t().request({ method: 'GET', url: `/v1/orders/${id}` });
    expect(admin.json().customer.phone).toBe('+8613800000000');

    const noReason = await t().request({
      method: 'POST',
      url: `/v1/orders/${id}/pii-views`,
      key: support,
      payload: {},
    });
    expect(noReason.statusCode).toBe(400);
    const unknown = await t().request({
      method: 'POST',
      url: '/v1/orders/0193a6f1-7c2e-7000-8000-000000000001/pii-views',
      key: support,
      payload: { reason: 'caller asked about delivery' },
    });
    expect(unknown.statusCode).toBe(404);
    const opened = await t().request({
      method: 'POST',
      url: `/v1/orders/${id}/pii-views`,
      key: support,
      payload: { reason: 'caller asked about delivery' },
    });
    expect(opened.statusCode, opened.body).toBe(200);
    expect(opened.json().customer).toEqual({
      email: 'wang.fang@example.cn',
      phone: '+8613800000000',
      name: 'Wang Fang',
    });
    expect(opened.json().addresses.home.line1).toBe('5 Huaihai Road');

    const whoami = await t().request({ method: 'GET', url: '/v1/whoami', key: support });
    const audit = await t().request({
      method: 'GET',
      url: '/v1/audit',
      query: { action: 'order.pii_view', resourceId: id },
    });
    expect(audit.json().data).toHaveLength(1);
    expect(audit.json().data[0]).toMatchObject({
      actor: { keyId: whoami.json().keyId, role: 'support' },
      detail: { reason: 'caller asked about delivery' },
    });
    const warehouse = await t().keyFor('warehouse');
    const refused = await t().request({
      method: 'POST',
      url: `/v1/orders/${id}/pii-views`,
      key: warehouse,
      payload: { reason: 'curious' },
    });
    expect(refused.statusCode).toBe(403);
  });
});
