import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { waitForAdminKey } from '../../bench/lib/server.js';

// A server that answers GET /v1/whoami with the given statuses in turn, the last one from then on.
let server: Server | undefined;
async function answering(statuses: number[]) {
  const seen: string[] = [];
  server = createServer((req, res) => {
    seen.push(req.headers.authorization ?? '');
    res.statusCode = statuses.length > 1 ? statuses.shift()! : statuses[0]!;
    res.end('{}');
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

describe('waiting for the bench server’s admin key', () => {
  it('goes on through 401s and 429s until a 200', async () => {
    const { url, seen } = await answering([401, 429, 429, 200]);
    await waitForAdminKey(url, 'admin-key-123456', { intervalMs: 10 });
    expect(seen).toEqual(Array(4).fill('Bearer admin-key-123456'));
  });

  it('gives up at the deadline, saying what it last saw', async () => {
    const { url, seen } = await answering([429]);
    await expect(
      waitForAdminKey(url, 'admin-key-123456', { intervalMs: 20, deadline: Date.now() + 150 }),
    ).rejects.toThrow(/did not work by the deadline: .* last gave HTTP 429/);
    expect(seen.length).toBeGreaterThan(2);
  });
});
