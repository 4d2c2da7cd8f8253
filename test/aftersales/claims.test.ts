import { describe, expect, it } from 'vitest';
import { orderBody, reservedUnits, stockedSku } from '../helpers/factories.js';
import { eventTypes, getOrder, paySandbox, ship, twoWarehouseOrder } from '../helpers/lifecycle.js';
import { providerConfig } from '../helpers/providers.js';
import { expectProblem, type TestApp, useTestApp } from '../helpers/test-app.js';

const PHOTO = 'https://img.example.com/claims/parcel-1.jpg';
let parcel = 770000000000 + Math.floor(Math.random() * 1e9);
const tracking = () => String(parcel++);

async function shippedOrder(t: TestApp) {
  const ctx = await twoWarehouseOrder(t);
  await paySandbox(t, ctx.order.id);
  await ship(t, ctx.order.id, ctx.whA.code, 'zto', tracking());
  await ship(t, ctx.order.id, ctx.whB.code, 'zto', tracking());
  return ctx;
}

describe('claims: missing, damaged or wrong items', () => {
  const t = useTestApp({ providers: providerConfig() });
  const claim = (orderId: string, payload: object) =>
    t().request({ method: 'POST', url: `/v1/orders/${orderId}/claims`, payload });
  const resolve = (id: string, payload: object) =>
    t().request({ method: 'POST', url: `/v1/claims/${id}/resolve`, payload });

  it('refunds a damaged unit, compensates a missing one, replaces a wrong one; with KB suggestions', async () => {
    const article = await t().request({
      method: 'POST',
      url: '/v1/kb/articles',
      payload: {
        title: 'Arrived damaged',
        body: 'Photograph the parcel.',
        reasonCodes: ['damaged_in_transit'],
      },
    });
    // 2 × A 30.00 + 1 × B 50.00, paid 110.00
    const { order, a, lineA, lineB } = await shippedOrder(t());
    const damaged = await claim(order.id, {
      kind: 'damaged',
      lines: [{ lineId: lineA, quantity: 1 }],
      photos: [PHOTO],
    });
    expect(damaged.statusCode, damaged.body).toBe(201);
    expect(damaged.json()).toMatchObject({
      status: 'open',
      kind: 'damaged',
      photos: [PHOTO],
      resolution: null,
    });
    expect(damaged.json().suggestedArticles.map((x: { id: string }) => x.id)).toContain(article.json().id);

    const refunded = await resolve(damaged.json().id, { resolution: 'refund' });
    expect(refunded.statusCode, refunded.body).toBe(200);
    expect(refunded.json()).toMatchObject({ status: 'resolved', resolution: 'refund', amount: 3000 });

    const missing = (
      await claim(order.id, { kind: 'missing', lines: [{ lineId: lineB, quantity: 1 }] })
    ).json();
    expectProblem(await resolve(missing.id, { resolution: 'compensation', amount: 8001 }), 422);
    expectProblem(await resolve(missing.id, { resolution: 'compensation' }), 422);
    expectProblem(await resolve(missing.id, { resolution: 'refund', amount: 100 }), 422);
    const compensated = await resolve(missing.id, {
      resolution: 'compensation',
      amount: 1500,
      note: 'goodwill',
    });
    expect(compensated.json()).toMatchObject({
      resolution: 'compensation',
      amount: 1500,
      decisionNote: 'goodwill',
    });
    expectProblem(await resolve(missing.id, { resolution: 'refund' }), 409, 'illegal_transition');

    const wrong = (
      await claim(order.id, { kind: 'wrong_item', lines: [{ lineId: lineA, quantity: 1 }], photos: [PHOTO] })
    ).json();
    const replaced = await resolve(wrong.id, { resolution: 'replacement' });
    expect(replaced.json()).toMatchObject({ resolution: 'replacement', amount: null });
    expect(await reservedUnits(t(), a.sku)).toEqual({ reserved: 1, onHand: 8 });

    const after = await getOrder(t(), order.id);
    expect(after).toMatchObject({ refundedTotal: 4500, paymentStatus: 'partially_refunded' });
    expect(after.shipments.filter((s: { kind: string }) => s.kind === 'replacement')).toHaveLength(1);
    const kinds = after.timeline.map((e: { kind: string }) => e.kind);
    expect(kinds.filter((k: string) => k === 'claim.opened')).toHaveLength(3);
    expect(kinds.filter((k: string) => k === 'claim.resolved')).toHaveLength(3);
    const events = await eventTypes(t(), order.id);
    expect(events.filter((e) => e.startsWith('claim.'))).toEqual([
      'claim.opened',
      'claim.resolved',
      'claim.opened',
      'claim.resolved',
      'claim.opened',
      'claim.resolved',
    ]);
    const listed = (await t().request({ method: 'GET', url: `/v1/orders/${order.id}/claims` })).json();
    expect(listed.map((c: { kind: string }) => c.kind)).toEqual(['damaged', 'missing', 'wrong_item']);
  });

  it('lists the claims queue newest first, by status, a page at a time, to support and finance only', async () => {
    const { order, lineA, lineB } = await shippedOrder(t());
    const first = (
      await claim(order.id, { kind: 'missing', lines: [{ lineId: lineA, quantity: 1 }] })
    ).json();
    const second = (
      await claim(order.id, { kind: 'missing', lines: [{ lineId: lineB, quantity: 1 }] })
    ).json();
    const third = (
      await claim(order.id, { kind: 'damaged', lines: [{ lineId: lineA, quantity: 1 }], photos: [PHOTO] })
    ).json();
    await t().request({
      method: 'POST',
      url: `/v1/claims/${second.id}/reject`,
      payload: { note: 'found it' },
    });

    const queue = async (query: string, key?: string) => {
      const res = await t().request({ method: 'GET', url: `/v1/claims?${query}`, key });
      expect(res.statusCode, res.body).toBe(200);
      return res.json() as {
        data: { id: string; status: string; lines: object[] }[];
        nextCursor: string | null;
      };
    };
    const mine = new Set([first.id, second.id, third.id]);
    const open = (await queue('status=open&limit=200')).data.filter((c) => mine.has(c.id));
    expect(open.map((c) => c.id)).toEqual([third.id, first.id]);
    expect(open[0]).toMatchObject({
      kind: 'damaged',
      photos: [PHOTO],
      lines: [{ lineId: lineA, quantity: 1 }],
    });
    expect(open[0]).not.toHaveProperty('suggestedArticles');
    const rejected = (await queue('status=rejected&limit=200')).data.filter((c) => mine.has(c.id));
    expect(rejected.map((c) => [c.id, c.status])).toEqual([[second.id, 'rejected']]);

    // One at a time, every claim comes once, newest first.
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await queue(`limit=1${cursor ? `&cursor=${cursor}` : ''}`, await t().keyFor('finance'));
      expect(page.data.length).toBeLessThanOrEqual(1);
      seen.push(...page.data.map((c) => c.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen.filter((id) => mine.has(id))).toEqual([third.id, second.id, first.id]);
    expect(new Set(seen).size).toBe(seen.length);

    const warehouse = await t().keyFor('warehouse');
    expectProblem(await t().request({ method: 'GET', url: '/v1/claims', key: warehouse }), 403);
    expectProblem(await t().request({ method: 'GET', url: '/v1/claims?cursor=forged' }), 400);
  });

  it('refunds a claimed line after its share of the discount, never more than was paid', async () => {
    await t().request({
      method: 'POST',
      url: '/v1/promotions',
      payload: {
        name: 'Claims 10%',
        code: 'CLAIM10',
        currency: 'CNY',
        action: { type: 'percent_off_order', percent: 10 },
      },
    });
    const item = await stockedSku(t(), 10, 3333);
    // 3 × 33.33 = 99.99, 10% off: 1000 (allocated to the one line); shipping 10.00 (under 99.00 after it)
    const placed = (
      await t().request({
        method: 'POST',
        url: '/v1/orders',
        payload: orderBody([{ sku: item.sku, quantity: 3 }], { couponCodes: ['CLAIM10'] }),
      })
    ).json();
    expect(placed.lines[0]).toMatchObject({ lineTotal: 9999, discount: 1000 });
    await paySandbox(t(), placed.id);
    await ship(t(), placed.id, item.warehouse, 'zto', tracking());
    const lineId = placed.lines[0].id;
    const amounts = [];
    for (let i = 0; i < 3; i++) {
      const c = (await claim(placed.id, { kind: 'missing', lines: [{ lineId, quantity: 1 }] })).json();
      amounts.push((await resolve(c.id, { resolution: 'refund' })).json().amount);
    }
    // 8999 over three units, half up cumulatively: 3000, 2999, 3000
    expect(amounts).toEqual([3000, 2999, 3000]);
    expect((await getOrder(t(), placed.id)).refundedTotal).toBe(8999);
  });

  it('refuses what cannot be claimed, with a clear problem', async () => {
    const { order, lineA, lineB } = await twoWarehouseOrder(t());
    expectProblem(await claim(order.id, { kind: 'missing', lines: [{ lineId: lineA, quantity: 1 }] }), 409);
    await paySandbox(t(), order.id);
    const shipped = await shippedOrder(t());
    const cases: Array<[object, number]> = [
      [{ kind: 'damaged', lines: [{ lineId: shipped.lineA, quantity: 1 }] }, 422],
      [
        {
          kind: 'damaged',
          lines: [{ lineId: shipped.lineA, quantity: 1 }],
          photos: ['http://plain.example.com/x.jpg'],
        },
        400,
      ],
      [
        { kind: 'damaged', lines: [{ lineId: shipped.lineA, quantity: 1 }], photos: ['javascript:alert(1)'] },
        400,
      ],
      [{ kind: 'missing', lines: [{ lineId: shipped.lineA, quantity: 3 }] }, 422],
      [{ kind: 'missing', lines: [{ lineId: lineB, quantity: 1 }] }, 422],
      [{ kind: 'lost', lines: [{ lineId: shipped.lineA, quantity: 1 }] }, 400],
      [{ kind: 'missing', lines: [] }, 400],
    ];
    for (const [payload, status] of cases) expectProblem(await claim(shipped.order.id, payload), status);
    const open = (
      await claim(shipped.order.id, { kind: 'missing', lines: [{ lineId: shipped.lineB, quantity: 1 }] })
    ).json();
    expectProblem(
      await claim(shipped.order.id, { kind: 'missing', lines: [{ lineId: shipped.lineB, quantity: 1 }] }),
      422,
    );
    expectProblem(
      await t().request({ method: 'POST', url: `/v1/claims/${open.id}/reject`, payload: {} }),
      400,
    );
    const rejected = await t().request({
      method: 'POST',
      url: `/v1/claims/${open.id}/reject`,
      payload: { note: 'the tracking shows it delivered whole' },
    });
    expect(rejected.json()).toMatchObject({
      status: 'rejected',
      decisionNote: 'the tracking shows it delivered whole',
    });
    // a rejected claim gives its units back to claim
    expect(
      (await claim(shipped.order.id, { kind: 'missing', lines: [{ lineId: shipped.lineB, quantity: 1 }] }))
        .statusCode,
    ).toBe(201);
    expect((await getOrder(t(), shipped.order.id)).refundedTotal).toBe(0);
  });
});
