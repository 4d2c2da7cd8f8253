import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { orderBody, reservedUnits, stockedSku } from '../helpers/factories.js';
import { genericPush, getOrder, paySandbox, ship, twoWarehouseOrder } from '../helpers/lifecycle.js';
import { providerConfig } from '../helpers/providers.js';
import { expectProblem, useTestApp } from '../helpers/test-app.js';

describe('after-sales', () => {
  const t = useTestApp({ providers: providerConfig() });
  const ask = (orderId: string, payload: object) =>
    t().request({ method: 'POST', url: `/v1/orders/${orderId}/returns`, payload });
  const step = (id: string, verb: string, payload: object = {}) =>
    t().request({ method: 'POST', url: `/v1/returns/${id}/${verb}`, payload });

  async function deliveredOrder(daysAgo: number) {
    const ctx = await twoWarehouseOrder(t());
    await paySandbox(t(), ctx.order.id);
    const n = `${Date.now()}`.slice(-10);
    await ship(t(), ctx.order.id, ctx.whA.code, 'zto', `77${n}`);
    await ship(t(), ctx.order.id, ctx.whB.code, 'zto', `78${n}`);
    for (const nu of [`77${n}`, `78${n}`]) {
      await genericPush(t(), 'zto', nu, [
        { id: `${nu}-d`, time: new Date().toISOString(), status: 'delivered', description: 'Delivered' },
      ]);
    }
    await sql`update shipments set delivered_at = now() - make_interval(days => ${daysAgo}) where order_id = ${ctx.order.id}`.execute(
      t().db,
    );
    return ctx;
  }

  it('holds requests to the return window of their reason and names the rule that refuses', async () => {
    const ctx = await deliveredOrder(8);
    const late = await ask(ctx.order.id, {
      type: 'return_refund',
      reason: 'no_longer_needed',
      lines: [{ lineId: ctx.lineA, quantity: 1 }],
    });
    const problem = expectProblem(late, 422, 'unprocessable');
    expect(problem.rule).toMatchObject({ name: '*/change_of_mind', windowDays: 7 });
    expect(problem.detail).toContain('rule */change_of_mind allows 7 days');
    // quality problems have longer
    expect(
      (
        await ask(ctx.order.id, {
          type: 'return_refund',
          reason: 'defective',
          lines: [{ lineId: ctx.lineA, quantity: 1 }],
        })
      ).statusCode,
    ).toBe(201);

    // a region may have its own rule
    const put = await t().request({
      method: 'PUT',
      url: '/v1/return-rules',
      payload: { region: 'CN', reasonGroup: 'change_of_mind', windowDays: 10 },
    });
    expect(put.statusCode, put.body).toBe(200);
    const allowed = await ask(ctx.order.id, {
      type: 'return_refund',
      reason: 'no_longer_needed',
      lines: [{ lineId: ctx.lineB, quantity: 1 }],
    });
    expect(allowed.statusCode, allowed.body).toBe(201);
    expect(allowed.json()).toMatchObject({ region: 'CN', stage: 'after_delivery' });
  });

  it('never asks back more than delivered minus already returned; a rejected request frees its units', async () => {
    const ctx = await deliveredOrder(1);
    const first = (
      await ask(ctx.order.id, {
        type: 'return_refund',
        reason: 'defective',
        lines: [{ lineId: ctx.lineA, quantity: 2 }],
      })
    ).json();
    const more = await ask(ctx.order.id, {
      type: 'exchange',
      reason: 'defective',
      lines: [{ lineId: ctx.lineA, quantity: 1 }],
    });
    expect(expectProblem(more, 422).errors).toEqual([
      { field: 'body.lines[0].quantity', message: 'at most 0 (delivered minus already returned)' },
    ]);
    expectProblem(await step(first.id, 'reject', {}), 400);
    const rejected = await step(first.id, 'reject', { note: 'Photos show no defect' });
    expect(rejected.json()).toMatchObject({ status: 'rejected', decisionNote: 'Photos show no defect' });
    expect(
      (
        await ask(ctx.order.id, {
          type: 'exchange',
          reason: 'defective',
          lines: [{ lineId: ctx.lineA, quantity: 1 }],
        })
      ).statusCode,
    ).toBe(201);
    expectProblem(await step(first.id, 'approve'), 409, 'illegal_transition');
  });

  it('refund-only before shipment cancels the unshipped units, releases their stock and refunds them', async () => {
    const ctx = await twoWarehouseOrder(t());
    await paySandbox(t(), ctx.order.id);
    await ship(t(), ctx.order.id, ctx.whA.code, 'yto', 'YT5500000001');
    const ret = (
      await ask(ctx.order.id, {
        type: 'refund_only',
        reason: 'no_longer_needed',
        lines: [{ lineId: ctx.lineB, quantity: 1 }],
      })
    ).json();
    expect(ret).toMatchObject({ stage: 'before_shipment', status: 'requested' });
    expectProblem(await step(ret.id, 'receive', { warehouse: ctx.whB.code }), 409, 'illegal_transition');
    expect((await step(ret.id, 'approve')).json().status).toBe('approved');
    expect(await reservedUnits(t(), ctx.b.sku)).toEqual({ reserved: 0, onHand: 10 });
    // what is left has all shipped
    expect((await getOrder(t(), ctx.order.id)).status).toBe('shipped');
    const refunded = await step(ret.id, 'refund');
    expect(refunded.json()).toMatchObject({ status: 'refunded', refundAmount: 5000, shippingRefund: 0 });
    expect(await getOrder(t(), ctx.order.id)).toMatchObject({
      paymentStatus: 'partially_refunded',
      refundedTotal: 5000,
    });
  });

  it('refunds shipping too when nothing ships at all, and closes the order', async () => {
    const s = await stockedSku(t(), 5, 1500);
    const order = (
      await t().request({
        method: 'POST',
        url: '/v1/orders',
        payload: orderBody([{ sku: s.sku, quantity: 1 }]),
      })
    ).json();
    expect(order.totals).toMatchObject({ shipping: 1000, grandTotal: 2500 });
    await paySandbox(t(), order.id);
    const ret = (
      await ask(order.id, {
        type: 'refund_only',
        reason: 'no_longer_needed',
        lines: [{ lineId: order.lines[0].id, quantity: 1 }],
      })
    ).json();
    await step(ret.id, 'approve');
    expectProblem(await step(ret.id, 'refund', { amount: 2501 }), 422);
    expect((await step(ret.id, 'refund')).json()).toMatchObject({ refundAmount: 2500, shippingRefund: 1000 });
    expect(await getOrder(t(), order.id)).toMatchObject({ status: 'closed', paymentStatus: 'refunded' });
    expect(await reservedUnits(t(), s.sku)).toEqual({ reserved: 0, onHand: 5 });
  });

  it('searches the knowledge base and suggests articles for a return’s reason', async () => {
    const created = await t().request({
      method: 'POST',
      url: '/v1/kb/articles',
      payload: {
        title: 'Zip broken on arrival',
        body: 'Photograph the broken zip and ask for an exchange; we send a new one at our cost.',
        tags: ['zip', 'defective'],
        reasonCodes: ['defective'],
      },
    });
    expect(created.statusCode, created.body).toBe(201);
    const found = (await t().request({ method: 'GET', url: '/v1/kb/articles?q=broken%20zi' })).json();
    expect(found.data.map((a: { id: string }) => a.id)).toContain(created.json().id);
    expect((await t().request({ method: 'GET', url: '/v1/kb/articles?q=%26%7C!' })).json().data).toEqual([]);

    const ctx = await deliveredOrder(0);
    const ret = (
      await ask(ctx.order.id, {
        type: 'return_refund',
        reason: 'defective',
        lines: [{ lineId: ctx.lineB, quantity: 1 }],
        photos: ['https://img.example.com/1.jpg'],
      })
    ).json();
    const detail = (await t().request({ method: 'GET', url: `/v1/returns/${ret.id}` })).json();
    expect(detail.photos).toEqual(['https://img.example.com/1.jpg']);
    expect(detail.suggestedArticles.map((a: { id: string }) => a.id)).toContain(created.json().id);
    const listed = (await t().request({ method: 'GET', url: `/v1/returns?orderId=${ctx.order.id}` })).json();
    expect(listed.data.map((r: { id: string }) => r.id)).toEqual([ret.id]);
  });
});
