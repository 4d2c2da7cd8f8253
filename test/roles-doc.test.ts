import { readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { rolesTable } from '../src/platform/auth/route-roles.js';
import { useTestApp } from './helpers/test-app.js';

const README = new URL('../README.md', import.meta.url);
const START =
  '<!-- roles:start (generated from the routes: UPDATE_DOCS=1 npx vitest run --project pglite test/roles-doc.test.ts) -->';
const END = '<!-- roles:end -->';

interface Operation {
  description?: string;
  security?: unknown[];
  'x-roles'?: string[];
}

describe('who may call what, documented from the routes', () => {
  const t = useTestApp();
  const openapi = async () =>
    (await t().request({ method: 'GET', url: '/openapi.json', key: null })).json() as {
      paths: Record<string, Record<string, Operation>>;
    };

  it('gives every operation x-roles and a description line naming them', async () => {
    const doc = await openapi();
    const operations = Object.values(doc.paths).flatMap((ops) => Object.entries(ops));
    expect(operations.length).toBeGreaterThan(50);
    for (const [, op] of operations) {
      expect(op['x-roles']).toBeInstanceOf(Array);
      const roles = op['x-roles']!;
      const line = op.description?.split('\n')[0];
      if (roles.length === 0) expect(line).toBe('Roles: public, no API key.');
      else expect(line).toBe(roles.length === 1 ? 'Roles: admin only.' : `Roles: ${roles.join(', ')}.`);
    }
    expect(doc.paths['/v1/orders']!.get!['x-roles']).toEqual([
      'admin',
      'support',
      'warehouse',
      'finance',
      'channel',
    ]);
    expect(doc.paths['/v1/api-keys']!.post!['x-roles']).toEqual(['admin']);
    const callback = doc.paths['/v1/callbacks/payments/{provider}']!.post!;
    expect(callback['x-roles']).toEqual([]);
    expect(callback.security).toEqual([]);
  });

  it('documents what each role may call as the routes declare it', async () => {
    // The document's roles are what the auth hook enforces: a warehouse key is refused where the
    // document leaves warehouse out, and let through where it names it.
    const doc = await openapi();
    const warehouse = await t().keyFor('warehouse');
    expect(doc.paths['/v1/api-keys']!.get!['x-roles']).not.toContain('warehouse');
    expect((await t().request({ method: 'GET', url: '/v1/api-keys', key: warehouse })).statusCode).toBe(403);
    expect(doc.paths['/v1/carriers']!.get!['x-roles']).toContain('warehouse');
    expect((await t().request({ method: 'GET', url: '/v1/carriers', key: warehouse })).statusCode).toBe(200);
  });

  it("keeps the README's table of roles current", async () => {
    const table = rolesTable(await openapi());
    const readme = readFileSync(README, 'utf8');
    const start = readme.indexOf(START);
    const end = readme.indexOf(END);
    expect(start, `README.md needs the markers ${START} … ${END}`).toBeGreaterThan(-1);
    const current = readme.slice(start + START.length + 1, end);
    if (current !== table && process.env.UPDATE_DOCS === '1') {
      writeFileSync(README, `${readme.slice(0, start + START.length)}\n${table}${readme.slice(end)}`);
      return;
    }
    expect(current, 'README.md: the roles table is out of date; regenerate it (see the marker)').toBe(table);
  });
});
