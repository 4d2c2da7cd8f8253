import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerAdminConsole } from './admin-console.js';
import { registerProblemHandlers } from './problem.js';

// The console's files as Vite writes them: index.html naming content-hashed assets.
describe('the admin console at /admin', () => {
  let app: FastifyInstance;
  let root: string;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'console-'));
    mkdirSync(join(root, 'assets'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><div id="root"></div>');
    writeFileSync(join(root, 'assets/index-abc123.js'), 'console.log(1)');
    app = Fastify();
    registerProblemHandlers(app);
    await registerAdminConsole(app, root);
  });
  afterAll(async () => {
    await app.close();
    rmSync(root, { recursive: true });
  });

  it('serves hashed assets to be kept for a year', async () => {
    const res = await app.inject({ url: '/admin/assets/index-abc123.js' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/javascript/);
    expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable');
  });

  it('answers the page, and every path of the app, with index.html revalidated each time', async () => {
    for (const url of ['/admin', '/admin/', '/admin/orders/0190b5a0-0000-7000-8000-000000000000']) {
      const res = await app.inject({ url });
      expect(res.statusCode, url).toBe(200);
      expect(res.body).toContain('<div id="root">');
      expect(res.headers['cache-control']).toBe('no-cache');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    }
  });

  it('answers a missing asset with a 404 problem, not the page', async () => {
    const res = await app.inject({ url: '/admin/assets/index-old999.js' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  });

  it('says how to build the console when it is not built', async () => {
    const bare = Fastify();
    registerProblemHandlers(bare);
    await registerAdminConsole(bare, join(root, 'missing'));
    const res = await bare.inject({ url: '/admin' });
    expect(res.statusCode).toBe(503);
    expect(res.json().detail).toContain('npm run build:web');
    await bare.close();
  });
});
