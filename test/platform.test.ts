import { describe, expect, it } from 'vitest';
import { expectProblem, useTestApp } from './helpers/test-app.js';

describe('platform', () => {
  const t = useTestApp();

  it('answers health and readiness without a key', async () => {
    expect((await t().request({ method: 'GET', url: '/healthz', key: null })).json()).toEqual({
      status: 'ok',
    });
    const ready = await t().request({ method: 'GET', url: '/readyz', key: null });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().checks[0]).toMatchObject({ ok: true });
  });

  it('refuses /v1 without a valid key, as a problem', async () => {
    expectProblem(await t().request({ method: 'GET', url: '/v1/api-keys', key: null }), 401, 'unauthorized');
    expectProblem(
      await t().request({ method: 'GET', url: '/v1/api-keys', key: 'osk_nope' }),
      401,
      'unauthorized',
    );
  });

  it('checks roles: a storefront key may not manage keys', async () => {
    const key = await t().keyFor('storefront');
    expectProblem(await t().request({ method: 'GET', url: '/v1/api-keys', key }), 403, 'forbidden');
  });

  it('creates keys with a role and stores only their hash', async () => {
    const res = await t().request({
      method: 'POST',
      url: '/v1/api-keys',
      payload: { name: 'wms', role: 'warehouse' },
    });
    expect(res.statusCode).toBe(201);
    const { key } = res.json();
    const row = await t()
      .db.selectFrom('api_keys')
      .selectAll()
      .where('name', '=', 'wms')
      .executeTakeFirstOrThrow();
    expect(row.key_hash).not.toContain(key);
    expect(row.role).toBe('warehouse');
  });

  it('lists each bad field of a body', async () => {
    const res = await t().request({
      method: 'POST',
      url: '/v1/api-keys',
      payload: { role: 'king', extra: 1 },
    });
    const body = expectProblem(res, 400, 'validation_failed');
    const fields = body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['body.name', 'body.extra']));
  });

  it('answers unknown routes and broken JSON with problems', async () => {
    expectProblem(await t().request({ method: 'GET', url: '/v1/nothing-here' }), 404);
    const broken = await t().request({
      method: 'POST',
      url: '/v1/api-keys',
      headers: { 'content-type': 'application/json' },
      payload: '{"name": ',
    });
    expectProblem(broken, 400, 'malformed_body');
    const text = await t().request({
      method: 'POST',
      url: '/v1/api-keys',
      headers: { 'content-type': 'text/plain' },
      payload: 'hello',
    });
    expectProblem(text, 415);
  });

  it('serves an OpenAPI 3.1 document and Prometheus metrics', async () => {
    const doc = (await t().request({ method: 'GET', url: '/openapi.json', key: null })).json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toContain('/v1/api-keys');
    const metrics = await t().request({ method: 'GET', url: '/metrics', key: null });
    expect(metrics.body).toContain('ordersync_http_request_duration_seconds');
  });
});
