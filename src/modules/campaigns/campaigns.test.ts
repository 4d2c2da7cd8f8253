import { afterAll, describe, expect, it } from 'vitest';
import { buy, buyBody, campaign, settledTicket } from '../../../test/helpers/campaigns.js';
import { reservedUnits, stockedSku } from '../../../test/helpers/factories.js';
import { startRedisServer } from '../../../test/helpers/redis-server.js';
import { createTestApp, expectProblem, type TestApp, useTestApp } from '../../../test/helpers/test-app.js';
import { buildApp } from '../../app.js';
import { newId } from '../../platform/ids.js';
import { connectRedis } from '../../platform/redis.js';
import { toGateCampaign } from './campaign-views.js';
import { findCampaign, insertTicket } from './campaigns.repository.js';
import { FlashGate } from './flash-gate.js';
import { gateReconciler } from './gate-reconciler.js';
import { staleTicketSweeper } from './stale-tickets.js';

async function sell(t: TestApp, buyers: number, units: number, stock: number) {
  const s = await stockedSku(t, stock);
  const c = await campaign(t, s.sku, units);
  const results = await Promise.all(Array.from({ length: buyers }, (_, i) => buy(t, c.id, i)));
  return { s, c, results, codes: results.map((r) => r.statusCode) };
}

describe('flash sales on the database alone', () => {
  const t = useTestApp();

  it('sells exactly the allotment to 150 concurrent buyers, at the campaign price', async () => {
    const { s, c, results, codes } = await sell(t(), 150, 20, 100);
    expect(codes.filter((x) => x === 201)).toHaveLength(20);
    for (const r of results.filter((r) => r.statusCode !== 201)) expectProblem(r, 409, 'sold_out');
    expect(results.find((r) => r.statusCode === 201)!.json().lines[0].unitPrice).toBe(999);
    expect(await reservedUnits(t(), s.sku)).toEqual({ reserved: 20, onHand: 100 });
    expect((await t().request({ method: 'GET', url: `/v1/campaigns/${c.id}` })).json()).toMatchObject({
      sold: 20,
      remaining: 0,
    });
  });

  it('sells no more than the stock when the allotment is larger', async () => {
    const { s, codes } = await sell(t(), 60, 50, 7);
    expect(codes.filter((x) => x === 201)).toHaveLength(7);
    expect(await reservedUnits(t(), s.sku)).toEqual({ reserved: 7, onHand: 7 });
  });

  it('holds each customer to the limit and the sale to its window', async () => {
    const s = await stockedSku(t(), 10);
    const c = await campaign(t(), s.sku, 5);
    expect((await buy(t(), c.id, 1)).statusCode).toBe(201);
    expectProblem(await buy(t(), c.id, 1), 409, 'limit_reached');
    const later = await campaign(t(), s.sku, 5, { startsAt: new Date(Date.now() + 60_000).toISOString() });
    expectProblem(await buy(t(), later.id, 2), 409, 'campaign_closed');
  });

  it('lists campaigns newest first, a page at a time, for support but not for shops', async () => {
    const s = await stockedSku(t(), 10);
    const made = [
      await campaign(t(), s.sku, 1),
      await campaign(t(), s.sku, 2),
      await campaign(t(), s.sku, 3),
    ];
    const first = await t().request({ method: 'GET', url: '/v1/campaigns?limit=2' });
    expect(first.statusCode, first.body).toBe(200);
    const page1 = first.json();
    expect(page1.data.map((c: { id: string }) => c.id)).toEqual([made[2]!.id, made[1]!.id]);
    const page2 = (
      await t().request({ method: 'GET', url: `/v1/campaigns?limit=2&cursor=${page1.nextCursor}` })
    ).json();
    expect(page2.data[0]).toMatchObject({ id: made[0]!.id, allotted: 1, remaining: 1 });

    const support = await t().keyFor('support');
    expect((await t().request({ method: 'GET', url: '/v1/campaigns', key: support })).statusCode).toBe(200);
    const shop = await t().keyFor('storefront');
    expectProblem(await t().request({ method: 'GET', url: '/v1/campaigns', key: shop }), 403, 'forbidden');
    expectProblem(await t().request({ method: 'GET', url: '/v1/campaigns?cursor=bm9wZQ' }), 400);
  });

  it('queues orders: 202 with a ticket that becomes an order', async () => {
    const s = await stockedSku(t(), 10);
    const c = await campaign(t(), s.sku, 3);
    const answers = await Promise.all([1, 2, 3, 4, 5].map((n) => buy(t(), c.id, 100 + n, '?queued=true')));
    // Once the intake has learnt the sale is over, later buyers are refused at the door.
    for (const r of answers.filter((r) => r.statusCode !== 202)) expectProblem(r, 409, 'sold_out');
    const accepted = answers.filter((r) => r.statusCode === 202);
    expect(accepted.length).toBeGreaterThanOrEqual(3);
    const tickets = await Promise.all(accepted.map((r) => settledTicket(t(), r.json().id)));
    expect(tickets.filter((x) => x.status === 'placed')).toHaveLength(3);
    for (const x of tickets.filter((x) => x.status === 'failed')) expect(x.problem?.code).toBe('sold_out');
    expect(await reservedUnits(t(), s.sku)).toEqual({ reserved: 3, onHand: 10 });
  });
});

describe('queued tickets of a process that stopped', () => {
  const t = useTestApp();

  it('are taken over by the next process to start, and placed once', async () => {
    const s = await stockedSku(t(), 10);
    const c = await campaign(t(), s.sku, 5);
    // Accepted by a process that died before its in-process intake placed them.
    const orphans = await Promise.all(
      [1, 2].map((n) =>
        insertTicket(t().db, {
          id: newId(),
          campaign_id: c.id,
          request: JSON.stringify({ input: buyBody(`orphan${n}`), gated: false }),
        }),
      ),
    );
    const next = await buildApp({ db: t().db, dbKind: t().database.kind, config: t().config, logger: false });
    try {
      await next.ready();
      const settled = await Promise.all(orphans.map((o) => settledTicket(t(), o.id)));
      expect(settled.map((x) => x.status)).toEqual(['placed', 'placed']);
    } finally {
      await next.close();
    }
    expect(await reservedUnits(t(), s.sku)).toEqual({ reserved: 2, onHand: 10 });
    expect((await t().request({ method: 'GET', url: `/v1/campaigns/${c.id}` })).json().sold).toBe(2);
  });
});

describe('the queued intake under a burst', () => {
  const t = useTestApp({ intakeQueueBound: 1 });

  it('answers each buyer with a ticket or a 429 that says when to come back', async () => {
    const s = await stockedSku(t(), 50);
    const c = await campaign(t(), s.sku, 50);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, n) => buy(t(), c.id, n, '?queued=true')),
    );
    for (const r of results.filter((r) => r.statusCode !== 202)) {
      expectProblem(r, 429, 'queue_full');
      expect(r.headers['retry-after']).toBe('1');
    }
    expect(results.some((r) => r.statusCode === 202)).toBe(true);
  });
});

describe('flash sales behind a Redis gate', async () => {
  const server = await startRedisServer();
  const redis = connectRedis(server.url);
  const t = useTestApp({}, { redis });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });

  it('turns the losers away in Redis and sells exactly the allotment', async () => {
    const { s, c, codes } = await sell(t(), 200, 30, 100);
    expect(codes.filter((x) => x === 201)).toHaveLength(30);
    expect(codes.filter((x) => x === 409)).toHaveLength(170);
    expect(await new FlashGate(redis).remaining(c.id)).toBe(0);
    expect(await reservedUnits(t(), s.sku)).toEqual({ reserved: 30, onHand: 100 });
  });

  it('answers sold_out by itself for a moment after the gate ran dry, then asks Redis again', async () => {
    const s = await stockedSku(t(), 5);
    const c = await campaign(t(), s.sku, 2);
    const gate = new FlashGate(redis);
    expect((await buy(t(), c.id, 'first')).statusCode).toBe(201);
    // The gate runs dry while the database still has a unit (a winner in flight, say).
    expect(await gate.repair(c.id, 1, 0)).toBe(true);
    expectProblem(await buy(t(), c.id, 'second'), 409, 'sold_out');
    // The unit comes back (as when a winner's order fails): not seen until the memory lapses.
    expect(await gate.repair(c.id, 0, 1)).toBe(true);
    expectProblem(await buy(t(), c.id, 'third'), 409, 'sold_out');
    expect(await gate.remaining(c.id)).toBe(1);
    await new Promise((r) => setTimeout(r, 250));
    expect((await buy(t(), c.id, 'fourth')).statusCode).toBe(201);
  });

  it('gives a unit back when the order behind it fails', async () => {
    const s = await stockedSku(t(), 2);
    const c = await campaign(t(), s.sku, 5);
    const codes = (await Promise.all([1, 2, 3, 4].map((n) => buy(t(), c.id, 300 + n)))).map(
      (r) => r.statusCode,
    );
    expect(codes.filter((x) => x === 201)).toHaveLength(2);
    // Stock ran out before the allotment: the units of the failed orders went back to the gate.
    expect(await new FlashGate(redis).remaining(c.id)).toBe(3);
  });

  /** A fresh campaign of 10 units behind the gate, with its terms as the gate takes them. */
  async function gatedCampaign() {
    const s = await stockedSku(t(), 10);
    const c = await campaign(t(), s.sku, 10);
    const row = (await findCampaign(t().db, c.id))!;
    const gate = new FlashGate(redis);
    const terms = toGateCampaign(row);
    /** A buyer the gate let in whose ticket is queued in the intake, since `createdAt`. */
    const gatedTicket = async (
      input: ReturnType<typeof buyBody> & { quantity?: number },
      createdAt = new Date(),
    ) => {
      expect(await gate.take(terms, input.customer.email, 1, new Date())).toBe('ok');
      return insertTicket(t().db, {
        id: newId(),
        campaign_id: c.id,
        request: JSON.stringify({ input, gated: true }),
        created_at: createdAt,
      });
    };
    return { c, gate, terms, gatedTicket };
  }

  it('repairs drift between Redis and the database', async () => {
    const { c, gate, terms } = await gatedCampaign();
    // A winner that crashed between Redis and the database: Redis is one unit short.
    expect(await gate.take(terms, 'ghost@example.com', 1, new Date())).toBe('ok');
    const job = gateReconciler(t().db, gate);
    await job.run(new Date());
    expect(await gate.remaining(c.id)).toBe(9); // a gap seen once may be an order in flight
    await job.run(new Date());
    expect(await gate.remaining(c.id)).toBe(10);
    // Counters lost (a Redis restart) are primed again.
    await gate.forget(c.id);
    await job.run(new Date());
    expect(await gate.remaining(c.id)).toBe(10);
  });

  it('does not take units held by queued tickets for drift', async () => {
    const { c, gate, gatedTicket } = await gatedCampaign();
    // Buyers admitted by the gate whose tickets wait in the intake (its worker is slow, say).
    await gatedTicket(buyBody('waiting1'));
    await gatedTicket({ ...buyBody('waiting2'), quantity: 1 });
    const job = gateReconciler(t().db, gate);
    await job.run(new Date());
    await job.run(new Date());
    expect(await gate.remaining(c.id)).toBe(8);
  });
  it('fails a ticket lost on its way to the intake, once, and gives its unit back', async () => {
    const { c, gate, gatedTicket } = await gatedCampaign();
    // Queued two minutes ago and never placed; another queued just now is left to the intake.
    const lost = await gatedTicket(buyBody('lost'), new Date(Date.now() - 120_000));
    const fresh = await gatedTicket(buyBody('fresh'));
    const sweeper = staleTicketSweeper(t().db, gate, 60);
    await sweeper.run(new Date());
    await sweeper.run(new Date());
    const status = async (id: string) =>
      (await t().request({ method: 'GET', url: `/v1/tickets/${id}` })).json();
    expect(await status(lost.id)).toMatchObject({
      status: 'failed',
      problem: { code: 'service_unavailable' },
    });
    expect((await status(fresh.id)).status).toBe('queued');
    expect(await gate.remaining(c.id)).toBe(9);
  });
});

describe('a flash sale whose Redis dies mid-sale', () => {
  it('falls back to the database and still sells exactly the allotment', async () => {
    const server = await startRedisServer();
    const redis = connectRedis(server.url);
    const t = await createTestApp({}, { redis });
    try {
      const s = await stockedSku(t, 200);
      const c = await campaign(t, s.sku, 40);
      const attempts = Array.from({ length: 240 }, (_, i) => i);
      const results = await Promise.all(
        attempts.map(async (i) => {
          if (i === 60) server.kill();
          await new Promise((r) => setTimeout(r, i % 40));
          return buy(t, c.id, i);
        }),
      );
      const codes = results.map((r) => r.statusCode);
      expect(codes.filter((x) => x === 201)).toHaveLength(40);
      expect(codes.every((x) => x === 201 || x === 409)).toBe(true);
      expect(await reservedUnits(t, s.sku)).toEqual({ reserved: 40, onHand: 200 });
    } finally {
      redis.disconnect();
      await t.app.close();
      await t.database.close();
      await server.stop();
    }
  });
});

describe('rate limits', () => {
  const t = useTestApp({ rateLimitPerKeyPerMinute: 5 });

  it('answers the sixth request of a minute with 429 and Retry-After', async () => {
    const key = await t().keyFor('support');
    const codes = [];
    for (let i = 0; i < 6; i++) codes.push(await t().request({ method: 'GET', url: '/v1/orders', key }));
    expect(codes.slice(0, 5).map((r) => r.statusCode)).toEqual([200, 200, 200, 200, 200]);
    const p = expectProblem(codes[5]!, 429, 'rate_limited');
    expect(Number(codes[5]!.headers['retry-after'])).toBeGreaterThan(0);
    expect(p.detail).toContain('API key');
    // Health stays reachable.
    expect((await t().request({ method: 'GET', url: '/healthz', key })).statusCode).toBe(200);
  });
});
