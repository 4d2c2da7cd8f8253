import { describe, expect, it } from 'vitest';
import { expectProblem, useTestApp } from '../../../test/helpers/test-app.js';
import { ApiKeyResolver, createApiKey, generateKey } from './api-keys.js';

describe('wrong API keys', () => {
  const t = useTestApp({ authFailuresPerAddressPerMinute: 5 });

  it('answers 429 to an address after too many wrong keys, before looking its keys up', async () => {
    const from = (remoteAddress: string, key: string) =>
      t().request({ method: 'GET', url: '/v1/orders', key, remoteAddress });
    const guesses = [];
    for (let i = 0; i < 7; i++) guesses.push(await from('203.0.113.7', generateKey()));
    expect(guesses.map((r) => r.statusCode)).toEqual([401, 401, 401, 401, 401, 429, 429]);
    const p = expectProblem(guesses[6]!, 429, 'rate_limited');
    expect(Number(guesses[6]!.headers['retry-after'])).toBeGreaterThan(0);
    expect(p.detail).toContain('wrong API key');
    // The address is refused even with a good key for the rest of the minute; other addresses are not.
    expectProblem(await from('203.0.113.7', t().adminKey), 429, 'rate_limited');
    expect((await from('203.0.113.8', t().adminKey)).statusCode).toBe(200);
  });
});

describe('the key cache', () => {
  const t = useTestApp();

  it('stays within its bound by letting the least recently used keys go, keeping the busy ones', async () => {
    const busy = await createApiKey(t().db, { name: 'busy', role: 'support' });
    const resolver = new ApiKeyResolver(t().db, 50);
    expect(await resolver.resolve(busy.key)).toMatchObject({ name: 'busy' });
    // Revoked behind the cache's back: while it stays cached, the busy key still resolves.
    await t().db.updateTable('api_keys').set({ revoked_at: new Date() }).where('id', '=', busy.id).execute();
    for (let i = 0; i < 120; i++) {
      await resolver.resolve(generateKey());
      if (i % 10 === 0) expect(await resolver.resolve(busy.key)).toMatchObject({ name: 'busy' });
      expect(resolver.cached).toBeLessThanOrEqual(50);
    }
    // Forgetting (what revoking through the API does) drops it.
    resolver.forget();
    expect(await resolver.resolve(busy.key)).toBeNull();
  });
});
