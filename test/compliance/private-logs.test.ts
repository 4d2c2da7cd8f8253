import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { address, createProduct, createWarehouse, orderBody, setStock } from '../helpers/factories.js';
import { genericPush, paySandbox, ship } from '../helpers/lifecycle.js';
import { providerConfig } from '../helpers/providers.js';
import { useTestApp } from '../helpers/test-app.js';

const lines: string[] = [];
const capture = new Writable({
  write(chunk, _encoding, done) {
    lines.push(String(chunk));
    done();
  },
});

const t = useTestApp({ providers: providerConfig() }, { logger: { level: 'trace', stream: capture } });

const CUSTOMER = {
  email: 'mei.zhang.private@example.org',
  phone: '+86 139 1234 5678',
  name: 'Zhang Mei',
  line1: '1266 Nanjing West Road',
};

describe('logs hold no personal data', () => {
  it('a whole order life cycle, a refused request and an error leave no e-mail, phone, name or street', async () => {
    const [item] = await createProduct(t(), [4200]);
    const wh = await createWarehouse(t());
    await setStock(t(), item!.sku, wh.code, 5);
    const body = orderBody([{ sku: item!.sku, quantity: 2 }], {
      customer: { email: CUSTOMER.email, phone: CUSTOMER.phone, name: CUSTOMER.name },
      addresses: { home: address({ name: CUSTOMER.name, phone: CUSTOMER.phone, line1: CUSTOMER.line1 }) },
    });
    const placed = await t().request({ method: 'POST', url: '/v1/orders', payload: body });
    expect(placed.statusCode, placed.body).toBe(201);
    const order = placed.json();
    await paySandbox(t(), order.id);
    const tracking = `SF${Date.now()}`.slice(0, 15);
    await ship(t(), order.id, wh.code, 'sf', tracking);
    const delivered = await genericPush(t(), 'sf', tracking, [
      { id: 'sf-1', time: new Date().toISOString(), status: 'delivered', description: 'Signed' },
    ]);
    expect(delivered.statusCode, delivered.body).toBe(200);
    const read = await t().request({ method: 'GET', url: `/v1/orders/${order.id}` });
    expect(read.body).toContain(CUSTOMER.email);

    // refused: the same personal data in a body that fails validation, and in a query string
    const refused = await t().request({
      method: 'POST',
      url: '/v1/orders',
      payload: { ...body, lines: [{ sku: item!.sku, quantity: 0 }] },
    });
    expect(refused.statusCode).toBe(400);
    const searched = await t().request({
      method: 'GET',
      url: `/v1/orders?email=${encodeURIComponent(CUSTOMER.email)}&phone=${encodeURIComponent(CUSTOMER.phone)}`,
    });
    expect(searched.statusCode).toBeLessThan(500);

    const log = lines.join('');
    expect(log).toContain(order.id); // the log was captured, with the requests in it
    expect(log).toContain('/v1/orders');
    for (const value of [CUSTOMER.email, CUSTOMER.phone, '13912345678', CUSTOMER.name, CUSTOMER.line1]) {
      expect(log, value).not.toContain(value);
    }
    expect(log).not.toContain(encodeURIComponent(CUSTOMER.email));
  });
});
