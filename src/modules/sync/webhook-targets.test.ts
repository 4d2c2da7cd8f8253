import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type Behaviour,
  startReceiver,
  startRelay,
  testSyncConfig,
  waitFor,
  webhookTransport,
  withSync,
  writeEvents,
} from '../../../test/helpers/sync.js';
import { expectProblem, useTestApp } from '../../../test/helpers/test-app.js';
import { newId } from '../../platform/ids.js';
import { createSubscription } from './subscriptions.service.js';

// Webhook URLs must not reach into the network OrderSync runs in (SSRF): this deployment names no
// allowed hosts, as production by default.
describe('webhook targets', () => {
  const t = useTestApp(withSync({ webhookAllowedHosts: [] }));
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  const subscribe = (url: string) =>
    t().request({
      method: 'POST',
      url: '/v1/subscriptions',
      payload: { name: `probe ${newId()}`, transport: 'webhook', url, eventTypes: ['*'] },
    });

  it('refuses loopback, private, link-local, metadata and other special addresses, however written', async () => {
    const refused = [
      'http://127.0.0.1/hooks',
      'http://localhost:8080/hooks',
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.5/',
      'http://172.16.3.4/',
      'http://192.168.1.1/',
      'http://[::1]/',
      'http://0x7f000001/',
      'http://2130706433/',
      'http://127.1/',
      'http://0.0.0.0:8080/',
      'http://100.64.0.1/',
      'http://[fc00::1]/',
      'http://[fe80::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://[::ffff:a9fe:a9fe]/',
      'https://[64:ff9b::a00:1]/',
    ];
    for (const url of refused) {
      const problem = expectProblem(await subscribe(url), 422, 'unprocessable');
      expect(problem.errors, url).toEqual([
        { field: 'body.url', message: expect.stringContaining('address') },
      ]);
    }
    const withCredentials = expectProblem(await subscribe('https://user:pw@93.184.215.14/hooks'), 422);
    expect(withCredentials.errors[0].message).toContain('credentials');
    const stored = await t().db.selectFrom('subscriptions').select('url').execute();
    expect(stored).toEqual([]);
    // A public address is fine.
    expect((await subscribe('https://93.184.215.14/hooks')).statusCode).toBe(201);
  });

  it('checks the address again at every delivery, so a name that now resolves inside is refused', async () => {
    let hits = 0;
    const rx = await startReceiver({
      secret: () => undefined,
      behave: () => {
        hits++;
        return 'ok';
      },
    });
    cleanups.push(rx.close);
    const port = new URL(rx.url).port;
    // Subscribed when these were allowed (or the name pointed elsewhere); no longer.
    const then = testSyncConfig();
    const subs = [];
    for (const url of [`http://localhost:${port}/hooks`, `http://127.0.0.1:${port}/hooks`]) {
      subs.push(
        await createSubscription(t().db, then, { name: url, transport: 'webhook', url, eventTypes: ['*'] }),
      );
    }
    const now = testSyncConfig({ webhookAllowedHosts: [] });
    const relay = startRelay(t().db, now, {
      webhook: webhookTransport(now),
    });
    cleanups.push(() => relay.stop());
    await writeEvents(t().db, newId(), 1);
    for (const sub of subs) {
      const failed = await waitFor(
        () =>
          t()
            .db.selectFrom('deliveries')
            .select('last_error')
            .where('subscription_id', '=', sub.id)
            .where('last_error', 'is not', null)
            .executeTakeFirst(),
        { message: `a failed attempt for ${sub.url}` },
      );
      expect(failed.last_error).toMatch(/a loopback address/);
    }
    expect(hits).toBe(0);
  });

  it('keeps only the status of a failed delivery, never the receiver body, and follows no redirect', async () => {
    let redirectedTo = 0;
    const server = http.createServer((req, res) => {
      if (req.url === '/elsewhere') redirectedTo++;
      res.writeHead(302, { location: '/elsewhere' }).end('internal page: password=hunter2');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    cleanups.push(
      () =>
        new Promise((r) => {
          server.closeAllConnections();
          server.close(() => r());
        }),
    );
    const failing = await startReceiver({ secret: () => secret, behave: (): Behaviour => 'fail' });
    cleanups.push(failing.close);
    let secret: string | undefined;

    const allowed = testSyncConfig();
    const redirecting = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
    const a = await createSubscription(t().db, allowed, {
      name: 'redirects',
      transport: 'webhook',
      url: redirecting,
      eventTypes: ['*'],
    });
    const b = await createSubscription(t().db, allowed, {
      name: 'fails',
      transport: 'webhook',
      url: failing.url,
      eventTypes: ['*'],
    });
    secret = b.secret!;
    const relay = startRelay(t().db, allowed, {
      webhook: webhookTransport(allowed),
    });
    cleanups.push(() => relay.stop());
    await writeEvents(t().db, newId(), 1);
    const errors = await waitFor(async () => {
      const rows = await t()
        .db.selectFrom('deliveries')
        .select(['subscription_id', 'last_error'])
        .where('subscription_id', 'in', [a.id, b.id])
        .where('last_error', 'is not', null)
        .execute();
      return rows.length === 2 ? new Map(rows.map((r) => [r.subscription_id, r.last_error])) : undefined;
    });
    expect(errors.get(a.id)).toBe('HTTP 302 Found');
    expect(errors.get(b.id)).toBe('HTTP 503 Service Unavailable');
    expect(redirectedTo).toBe(0);
  });
});
