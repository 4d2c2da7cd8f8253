import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { orderBody, stockedSku } from './helpers/factories.js';
import { uniq } from './helpers/sync.js';
import { useTestApp } from './helpers/test-app.js';
import { schemaUrl, WorkerProcess } from './helpers/worker-process.js';

const onPglite = (process.env.TEST_DB ?? 'pglite') === 'pglite';

interface Answer {
  status: number;
  body: { id?: string; code?: string };
}

/**
 * Idempotency-Key across a crash: `ordersync serve` killed with SIGKILL while 16 orders are in flight,
 * started again, and every request retried with its key. Whatever the kill cut (before the key was
 * claimed, between claim and commit, between commit and the stored answer), each retry must end in
 * the order its first attempt placed, or in one fresh placement: never a stuck 409, never two orders.
 */
describe.skipIf(onPglite)('Idempotency-Key after a crash (PostgreSQL: a real server process)', () => {
  const t = useTestApp();
  let server!: WorkerProcess;
  beforeAll(() => {
    server = new WorkerProcess(
      {
        DATABASE_URL: schemaUrl(t().database.schema),
        PORT: '0',
        RELAY_IN_PROCESS: 'false',
        SCHEDULER_INTERVAL_MS: '3600000',
        IDEMPOTENCY_LEASE: '2s',
      },
      'serve',
    );
  });
  afterAll(() => server.stop());

  const post = async (key: string, body: unknown): Promise<Answer> => {
    const res = await fetch(`${server.url}/v1/orders`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${t().adminKey}`,
        'content-type': 'application/json',
        'idempotency-key': key,
      },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Answer['body'] };
  };

  it('ends every cut request in the order it placed or one fresh placement', async () => {
    const item = await stockedSku(t(), 10_000);
    let cutAfterClaim = 0;
    let cutAfterCommit = 0;
    for (let round = 0; round < 8 && (cutAfterClaim < 2 || cutAfterCommit < 1 || round < 3); round++) {
      if (!server.running) await server.start();
      const requests = Array.from({ length: 16 }, () => {
        const body = orderBody([{ sku: item.sku, quantity: 1 }], {
          paymentMethod: 'cod',
          customer: { email: `crash-${uniq()}@example.com` },
        });
        return { key: `crash-${uniq()}`, body, email: body.customer.email };
      });
      const first = new Map<string, Answer>();
      let answered!: () => void;
      const firstAnswer = new Promise<void>((resolve) => (answered = resolve));
      const inFlight = requests.map((r) =>
        post(r.key, r.body).then(
          (a) => {
            first.set(r.key, a);
            answered();
          },
          () => undefined, // cut by the kill
        ),
      );
      // Kill at the first answer, later each round: the others are somewhere between arrival and reply.
      await Promise.race([firstAnswer, new Promise((r) => setTimeout(r, 200))]);
      await new Promise((r) => setTimeout(r, round * 3));
      await server.kill();
      await Promise.all(inFlight);

      const cut = requests.filter((r) => !first.has(r.key));
      // What the kill left: keys claimed and never answered, and of those, orders already committed.
      const claimed = await t()
        .db.selectFrom('idempotency_keys')
        .select('key')
        .where('state', '=', 'in_progress')
        .where(
          'key',
          'in',
          requests.map((r) => r.key),
        )
        .execute();
      cutAfterClaim += claimed.length;
      for (const r of cut) {
        const placed = await t()
          .db.selectFrom('orders')
          .select('id')
          .where('customer_email', '=', r.email)
          .execute();
        if (placed.length > 0) cutAfterCommit++;
      }

      await server.start();
      for (const r of requests) {
        const retry = await post(r.key, r.body);
        expect(retry.status, `${r.key}: ${JSON.stringify(retry.body)}`).toBe(201);
        const placed = await t()
          .db.selectFrom('orders')
          .select('id')
          .where('customer_email', '=', r.email)
          .execute();
        expect(placed, r.email).toHaveLength(1);
        expect(retry.body.id).toBe(placed[0]!.id);
        const before = first.get(r.key);
        if (before) expect(before.body.id, 'an answered request replays its order').toBe(retry.body.id);
      }
      expect(cut.length + first.size).toBe(16);
    }
    console.info(
      `cut after claiming the key: ${cutAfterClaim}, of them after the order committed: ${cutAfterCommit}`,
    );
    // The kills did cut requests that had claimed their key, some after their order committed.
    expect(cutAfterClaim).toBeGreaterThan(0);
    expect(cutAfterCommit).toBeGreaterThan(0);
  }, 240_000);
});
