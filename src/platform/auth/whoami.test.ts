import { describe, expect, it } from 'vitest';
import { expectProblem, useTestApp } from '../../../test/helpers/test-app.js';

// GET /v1/whoami: how a client (the admin console) learns the key's role and what it may call.
describe('GET /v1/whoami', () => {
  const t = useTestApp();

  it('answers an admin key with every /v1 operation', async () => {
    const res = await t().request({ method: 'GET', url: '/v1/whoami' });
    expect(res.statusCode).toBe(200);
    const me = res.json();
    expect(me).toMatchObject({ name: 'test admin', role: 'admin', keyId: expect.any(String) });
    expect(me.operations).toEqual(
      expect.arrayContaining(['PATCH /v1/products/{id}', 'POST /v1/api-keys', 'GET /v1/whoami']),
    );
    expect(me.operations).not.toContain('POST /v1/callbacks/payments/{provider}');
  });

  it('answers a support key with what its role may call, and the answer matches the auth check', async () => {
    const key = await t().keyFor('support');
    const me = (await t().request({ method: 'GET', url: '/v1/whoami', key })).json();
    expect(me.role).toBe('support');
    expect(me.operations).toContain('POST /v1/payments/{id}/refunds');
    expect(me.operations).not.toContain('PATCH /v1/products/{id}');
    expect(me.operations).not.toContain('POST /v1/shipments/{id}/ship');
    const patch = await t().request({
      method: 'PATCH',
      url: '/v1/products/0190b5a0-0000-7000-8000-000000000000',
      key,
      payload: { title: 'x' },
    });
    expectProblem(patch, 403, 'forbidden');
  });

  it('refuses a request without a key', async () => {
    expectProblem(await t().request({ method: 'GET', url: '/v1/whoami', key: null }), 401, 'unauthorized');
  });
});
