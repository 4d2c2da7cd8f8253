import { describe, expect, it } from 'vitest';
import { expectProblem, useTestApp } from '../../../test/helpers/test-app.js';
import { uniq } from './inventory.fixtures.js';

describe('warehouses', () => {
  const t = useTestApp();
  const post = (payload: object, key?: string) =>
    t().request({ method: 'POST', url: '/v1/warehouses', payload, key });

  it('creates a warehouse with defaults, and reads it by code and by id', async () => {
    const code = `SZ-${uniq()}`;
    const res = await post({ code, name: 'Shenzhen DC', country: 'CN', region: 'Guangdong' });
    expect(res.statusCode, res.body).toBe(201);
    const created = res.json();
    expect(created).toMatchObject({
      code,
      name: 'Shenzhen DC',
      country: 'CN',
      region: 'Guangdong',
      priority: 100,
      active: true,
    });
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);

    for (const ref of [code, created.id]) {
      const got = await t().request({ method: 'GET', url: `/v1/warehouses/${ref}` });
      expect(got.statusCode).toBe(200);
      expect(got.json()).toEqual(created);
    }
    const list = (await t().request({ method: 'GET', url: '/v1/warehouses?limit=200' })).json();
    expect(list.data).toContainEqual(created);
  });

  it('refuses a duplicate code with 409 and keeps the first', async () => {
    const code = `DUP-${uniq()}`;
    expect((await post({ code, name: 'First', country: 'CN', region: 'Beijing' })).statusCode).toBe(201);
    const body = expectProblem(
      await post({ code, name: 'Second', country: 'CN', region: 'Shanghai' }),
      409,
      'conflict',
    );
    expect(body.detail).toContain(code);
    const got = (await t().request({ method: 'GET', url: `/v1/warehouses/${code}` })).json();
    expect(got.name).toBe('First');
  });

  it('lists each invalid field', async () => {
    const res = await post({
      code: 'lower case',
      name: '',
      country: 'CHN',
      region: 'Shanghai',
      priority: 1.5,
      extra: 1,
    });
    const body = expectProblem(res, 400, 'validation_failed');
    const fields = body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(
      expect.arrayContaining(['body.code', 'body.name', 'body.country', 'body.priority', 'body.extra']),
    );
  });

  it('changes and deactivates a warehouse; filters by active', async () => {
    const code = `OFF-${uniq()}`;
    const { id } = (
      await post({ code, name: 'Soon closed', country: 'CN', region: 'Hubei', priority: 5 })
    ).json();
    const res = await t().request({
      method: 'PATCH',
      url: `/v1/warehouses/${code}`,
      payload: { active: false, priority: 7 },
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id, code, active: false, priority: 7, region: 'Hubei' });

    const inactive = (
      await t().request({ method: 'GET', url: '/v1/warehouses?active=false&limit=200' })
    ).json();
    expect(inactive.data.map((w: { code: string }) => w.code)).toContain(code);
    const active = (await t().request({ method: 'GET', url: '/v1/warehouses?active=true&limit=200' })).json();
    expect(active.data.map((w: { code: string }) => w.code)).not.toContain(code);

    expectProblem(await t().request({ method: 'PATCH', url: `/v1/warehouses/${code}`, payload: {} }), 400);
    expectProblem(
      await t().request({ method: 'PATCH', url: '/v1/warehouses/NOPE-1', payload: { active: true } }),
      404,
    );
    expectProblem(await t().request({ method: 'GET', url: '/v1/warehouses/NOPE-1' }), 404, 'not_found');
  });

  it('pages through warehouses by code with a cursor', async () => {
    const prefix = `PG${uniq()}`;
    for (const n of [1, 2, 3])
      await post({ code: `${prefix}-${n}`, name: `W${n}`, country: 'CN', region: 'Jiangsu' });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `limit=2&cursor=${cursor}` : 'limit=2';
      const page = (await t().request({ method: 'GET', url: `/v1/warehouses?${query}` })).json();
      expect(page.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.data.map((w: { code: string }) => w.code));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...seen].sort());
    expect(seen.filter((c) => c.startsWith(prefix))).toEqual([`${prefix}-1`, `${prefix}-2`, `${prefix}-3`]);
    expectProblem(
      await t().request({ method: 'GET', url: '/v1/warehouses?cursor=bm9wZQ' }),
      400,
      'validation_failed',
    );
  });

  it('documents every inventory route in OpenAPI', async () => {
    const doc = (await t().request({ method: 'GET', url: '/openapi.json', key: null })).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/warehouses',
        '/v1/warehouses/{warehouse}',
        '/v1/inventory',
        '/v1/inventory/{sku}/{warehouse}',
        '/v1/inventory/adjustments',
      ]),
    );
  });

  it('lets every reading role list, and only warehouse staff (and admin) create', async () => {
    for (const role of ['storefront', 'support', 'channel', 'finance', 'warehouse'] as const) {
      const res = await t().request({ method: 'GET', url: '/v1/warehouses', key: await t().keyFor(role) });
      expect(res.statusCode, role).toBe(200);
    }
    const payload = { code: `R-${uniq()}`, name: 'By role', country: 'CN', region: 'Zhejiang' };
    expectProblem(await post(payload, await t().keyFor('storefront')), 403, 'forbidden');
    expect((await post(payload, await t().keyFor('warehouse'))).statusCode).toBe(201);
  });
});
