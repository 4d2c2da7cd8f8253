import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { createProduct, createWarehouse, orderBody, setStock } from '../helpers/factories.js';
import { getOrder } from '../helpers/lifecycle.js';
import { providerConfig } from '../helpers/providers.js';
import { type TestApp, useTestApp } from '../helpers/test-app.js';

const ORDERS = 4;
const STOCK = 60;

/**
 * Edits racing payment callbacks and shipping, on each database: whatever interleaving happens, no
 * edit lands after a shipment is prepared, every unit of money is counted or given back, and stock
 * ends exactly where the shipped lines say.
 */
describe('order edits racing payments and shipping', () => {
  const t = useTestApp({ providers: providerConfig() });
  const statuses: number[] = [];
  const call = async (t: TestApp, method: 'GET' | 'POST', url: string, payload?: object) => {
    const res = await t.request({ method, url, ...(payload ? { payload } : {}) });
    statuses.push(res.statusCode);
    return res;
  };

  it('keeps edits before shipment, every payment, and stock exact', async () => {
    const [a] = await createProduct(t(), [3000]);
    const wh = await createWarehouse(t());
    await setStock(t(), a!.sku, wh.code, STOCK);

    const edit = (id: string, lineId: string, quantity: number) =>
      call(t(), 'POST', `/v1/orders/${id}/edits`, { lines: [{ lineId, quantity }] });
    const pay = (paymentId: string) => call(t(), 'POST', `/v1/payments/${paymentId}/pay`);
    /** Pays what the order owes: its open intent, or a new one. */
    const settle = async (id: string) => {
      const order = await getOrder(t(), id);
      if (order.status !== 'pending_payment') return;
      const open = order.payments.find((p: { status: string }) => p.status === 'pending');
      if (open) return pay(open.id);
      const created = await call(t(), 'POST', `/v1/orders/${id}/payments`, { provider: 'sandbox' });
      if (created.statusCode === 201) await pay(created.json().id);
    };
    let tracking = 773000000000;
    const shipIt = async (id: string) => {
      const prepared = await call(t(), 'POST', `/v1/orders/${id}/shipments`, { warehouse: wh.code });
      if (prepared.statusCode !== 201) return;
      await call(t(), 'POST', `/v1/shipments/${prepared.json().id}/ship`, {
        carrier: 'zto',
        trackingNumber: String(tracking++),
      });
    };

    const orders = await Promise.all(
      Array.from({ length: ORDERS }, async () => {
        const res = await call(t(), 'POST', '/v1/orders', orderBody([{ sku: a!.sku, quantity: 2 }]));
        const order = res.json();
        const intent = await call(t(), 'POST', `/v1/orders/${order.id}/payments`, { provider: 'sandbox' });
        return {
          id: order.id as string,
          line: order.lines[0].id as string,
          intent: intent.json().id as string,
        };
      }),
    );

    await Promise.all(
      orders.map(async (o) => {
        // the callback against two edits that change what is owed
        await Promise.all([pay(o.intent), edit(o.id, o.line, 3), edit(o.id, o.line, 1)]);
        // paying what is due and shipping, against more edits
        await Promise.all([settle(o.id), edit(o.id, o.line, 4), edit(o.id, o.line, 2)]);
        // shipping against an edit that needs no money: one of them goes first, the other sees it
        await settle(o.id);
        await Promise.all([shipIt(o.id), edit(o.id, o.line, 1)]);
        for (let i = 0; i < 4 && (await getOrder(t(), o.id)).status !== 'shipped'; i++) {
          await settle(o.id);
          await shipIt(o.id);
        }
      }),
    );

    expect(statuses.filter((s) => s >= 500)).toEqual([]);
    let shippedUnits = 0;
    for (const o of orders) {
      const order = await getOrder(t(), o.id);
      expect(order.status).toBe('shipped');
      // no edit after shipment
      expect((await edit(o.id, o.line, 1)).statusCode).toBe(409);
      const edits = await t()
        .db.selectFrom('order_edits')
        .select(['created_at'])
        .where('order_id', '=', o.id)
        .execute();
      const shipments = await t()
        .db.selectFrom('shipments')
        .select(['created_at', 'id'])
        .where('order_id', '=', o.id)
        .execute();
      expect(shipments).toHaveLength(1);
      // The order's events are numbered in the order their transactions committed (a timestamp is
      // when a transaction started, which says nothing of which one got the order first).
      const events = await t()
        .db.selectFrom('outbox')
        .select(['type', 'sequence'])
        .where('subject', '=', o.id)
        .where('type', 'in', ['com.ordersync.order.edited', 'com.ordersync.shipment.created'])
        .execute();
      const shipmentEvents = events
        .filter((e) => e.type.endsWith('shipment.created'))
        .map((e) => Number(e.sequence));
      expect(shipmentEvents).toHaveLength(1);
      const edited = events.filter((e) => e.type.endsWith('order.edited')).map((e) => Number(e.sequence));
      expect(edited).toHaveLength(edits.length);
      for (const n of edited) expect(n).toBeLessThan(shipmentEvents[0]!);
      expect(order.timeline.filter((e: { kind: string }) => e.kind === 'order.edited')).toHaveLength(
        edits.length,
      );

      // no lost payment: every payment taken is counted, what exceeds the total was given back
      const taken = order.payments
        .filter((p: { status: string }) => ['paid', 'partially_refunded', 'refunded'].includes(p.status))
        .reduce((s: number, p: { amount: number }) => s + p.amount, 0);
      const refunded = order.refunds
        .filter((r: { status: string }) => r.status === 'succeeded')
        .reduce((s: number, r: { amount: number }) => s + r.amount, 0);
      expect(order.paidTotal).toBe(taken);
      expect(order.refundedTotal).toBe(refunded);
      expect(order.paidTotal - order.refundedTotal).toBe(order.totals.grandTotal);
      // the order's price is its lines' price
      const line = order.lines[0];
      expect(order.totals.subtotal).toBe(3000 * line.quantity);

      // what shipped is what the line says
      const shipped = await t()
        .db.selectFrom('shipment_lines')
        .select(sql<number>`sum(quantity)::int`.as('q'))
        .where('shipment_id', '=', shipments[0]!.id)
        .executeTakeFirstOrThrow();
      expect(shipped.q).toBe(line.quantity);
      shippedUnits += line.quantity;
    }
    const level = await t()
      .db.selectFrom('stock_levels')
      .select(['on_hand', 'reserved'])
      .where('sku', '=', a!.sku)
      .executeTakeFirstOrThrow();
    expect(level).toEqual({ on_hand: STOCK - shippedUnits, reserved: 0 });
    const active = await t()
      .db.selectFrom('reservations')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('sku', '=', a!.sku)
      .where('status', '=', 'active')
      .executeTakeFirstOrThrow();
    expect(active.n).toBe(0);
  });
});
