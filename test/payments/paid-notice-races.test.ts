import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { cancelOverdueOrders } from '../../src/modules/orders/order-commands.js';
import type { Db } from '../../src/platform/db/database.js';
import { eventTypes, expectGivenBack, getOrder, twoWarehouseOrder } from '../helpers/lifecycle.js';
import { postSandboxCallback, providerConfig } from '../helpers/providers.js';
import { lockWaitedOn } from '../helpers/sync.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * A paid notice is applied without a transaction when nothing stands in its way (read, then one
 * statement that writes only if the order and the payment are still as read). These races are what
 * that relies on: copies of one message, and the changes an order can take meanwhile. On PostgreSQL
 * they run side by side. Last, the paid notice of an intent that had failed, which takes the locking way.
 */
describe('a paid notice racing itself and the order', () => {
  const t = useTestApp({ providers: providerConfig() });
  const sandboxCallback = (event: object) => postSandboxCallback(t(), JSON.stringify(event));

  async function openPayment(body: object = { provider: 'sandbox' }) {
    const { order } = await twoWarehouseOrder(t());
    const res = await t().request({ method: 'POST', url: `/v1/orders/${order.id}/payments`, payload: body });
    expect(res.statusCode, res.body).toBe(201);
    return { order, payment: res.json() };
  }
  const notice = (
    type: string,
    payment: { id: string; amount: number },
    id = `evt-${type}-${payment.id}`,
  ) => ({
    id,
    type,
    paymentId: payment.id,
    amount: payment.amount,
    currency: 'CNY',
  });
  const paidEvent = (payment: { id: string; amount: number }, id = `evt-${payment.id}`) =>
    notice('payment.succeeded', payment, id);
  const callbacksOf = async (paymentId: string) =>
    (
      await sql<{
        outcome: string;
      }>`select outcome from payment_callbacks where payment_id = ${paymentId}`.execute(t().db)
    ).rows.map((r) => r.outcome);

  it('applies the same paid notice sent 20 times at once once, and answers every copy the same', async () => {
    const { order, payment } = await openPayment();
    const answers = await Promise.all(Array.from({ length: 20 }, () => sandboxCallback(paidEvent(payment))));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(20).fill(200));
    expect(new Set(answers.map((a) => a.body)).size).toBe(1);
    const after = await getOrder(t(), order.id);
    expect(after).toMatchObject({ status: 'paid', paymentStatus: 'paid', paidTotal: 11000, version: 2 });
    expect(after.payments).toMatchObject([{ status: 'paid' }]);
    expect(await callbacksOf(payment.id)).toEqual(['paid']);
    // one money event, numbered in order with the rest (eventTypes checks 1, 2, 3, … without gaps)
    expect(await eventTypes(t(), order.id)).toEqual([
      'order.placed',
      'payment.created',
      'order.paid',
      'payment.succeeded',
    ]);
  });

  it("pays once when the sandbox's pay is pressed 20 times at once", async () => {
    const { order, payment } = await openPayment();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        t().request({ method: 'POST', url: `/v1/payments/${payment.id}/pay` }),
      ),
    );
    expect(answers.map((a) => [a.statusCode, a.json().status])).toEqual(Array(20).fill([200, 'paid']));
    expect(await getOrder(t(), order.id)).toMatchObject({ status: 'paid', paidTotal: 11000 });
    expect((await eventTypes(t(), order.id)).filter((e) => e === 'payment.succeeded')).toHaveLength(1);
  });

  it('counts two different paid notices of one split payment each once, racing', async () => {
    const { order } = await twoWarehouseOrder(t());
    const open = async (amount: number) =>
      (
        await t().request({
          method: 'POST',
          url: `/v1/orders/${order.id}/payments`,
          payload: { provider: 'sandbox', amount },
        })
      ).json();
    const first = await open(4000);
    const second = await open(7000);
    const answers = await Promise.all(
      [first, second, first, second].map((p) => sandboxCallback(paidEvent(p))),
    );
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200]);
    const after = await getOrder(t(), order.id);
    expect(after).toMatchObject({ status: 'paid', paidTotal: 11000, version: 3 });
    const events = await eventTypes(t(), order.id);
    expect(events.filter((e) => e === 'payment.succeeded')).toHaveLength(2);
    expect(events.filter((e) => e === 'order.paid')).toHaveLength(1);
  });

  it('neither loses nor doubles money when a paid notice races a cancel', async () => {
    for (let round = 0; round < 3; round++) {
      const { order, payment } = await openPayment();
      const [paid, cancelled] = await Promise.all([
        sandboxCallback(paidEvent(payment)),
        t().request({ method: 'POST', url: `/v1/orders/${order.id}/cancel`, payload: {} }),
      ]);
      expect(paid.statusCode, paid.body).toBe(200);
      expect(cancelled.statusCode, cancelled.body).toBe(200);
      // paid then cancelled, or cancelled then paid late: either way taken once and given back
      await expectGivenBack(t(), order.id, 11000);
      expect((await callbacksOf(payment.id)).length).toBe(1);
      const money = (await eventTypes(t(), order.id)).filter((e) =>
        ['payment.succeeded', 'payment.late_received', 'payment.refunded'].includes(e),
      );
      expect([
        ['payment.succeeded', 'payment.refunded'],
        ['payment.late_received', 'payment.refunded'],
      ]).toContainEqual(money);
    }
  });

  it('neither loses nor doubles money when a paid notice races the unpaid-order timeout', async () => {
    for (let round = 0; round < 3; round++) {
      const { order, payment } = await openPayment();
      const [paid] = await Promise.all([
        sandboxCallback(paidEvent(payment)),
        cancelOverdueOrders(t().db, new Date(Date.now() + 86400_000), t().app.services.orderHooks),
      ]);
      expect(paid.statusCode, paid.body).toBe(200);
      const after = await getOrder(t(), order.id);
      expect(after.paidTotal).toBe(11000);
      if (after.status === 'paid') expect(after).toMatchObject({ paymentStatus: 'paid', refundedTotal: 0 });
      else
        expect(after).toMatchObject({ status: 'cancelled', paymentStatus: 'refunded', refundedTotal: 11000 });
      expect((await callbacksOf(payment.id)).length).toBe(1);
    }
  });

  /** Runs `hold` in a transaction that keeps its locks until `during` is blocked on them. */
  async function whileHeld(hold: (trx: Db) => Promise<unknown>, during: () => Promise<Response>) {
    let pending: Promise<Response> | undefined;
    await t()
      .db.transaction()
      .execute(async (trx) => {
        await hold(trx);
        pending = during();
        await lockWaitedOn(t().db, 'the notice to wait on the lock', undefined, 10_000);
      });
    return pending!;
  }
  type Response = Awaited<ReturnType<typeof sandboxCallback>>;

  it.skipIf(process.env.TEST_DB !== 'postgres')(
    'applies a paid notice whose order changed between its read and its write as the order now is',
    async () => {
      const { order, payment } = await openPayment();
      // an edit of the order's note commits while the notice's write waits for the row
      const res = await whileHeld(
        (trx) =>
          sql`update orders set note = 'ring twice', version = version + 1 where id = ${order.id}`.execute(
            trx,
          ),
        () => sandboxCallback(paidEvent(payment)),
      );
      expect(res.statusCode, res.body).toBe(200);
      const after = await getOrder(t(), order.id);
      expect(after).toMatchObject({ status: 'paid', paidTotal: 11000, version: 3, note: 'ring twice' });
      expect(await callbacksOf(payment.id)).toEqual(['paid']);
      expect((await eventTypes(t(), order.id)).slice(-2)).toEqual(['order.paid', 'payment.succeeded']);
      // the events carry the order as it is, not as the notice first read it
      const { rows } = await sql<{ order: { version: number } }>`
        select data->'order' as order from outbox where subject = ${order.id} and type like '%order.paid'`.execute(
        t().db,
      );
      expect(rows.map((r) => r.order)).toMatchObject([{ version: 3 }]);
    },
  );

  it.skipIf(process.env.TEST_DB !== 'postgres')(
    'answers a paid notice whose payment moved under the order lock between its read and its write as the locking way does',
    async () => {
      const { order, payment } = await openPayment();
      // as a failed notice does: the order locked (not changed), the payment failed
      const res = await whileHeld(
        async (trx) => {
          await sql`select id from orders where id = ${order.id} for update`.execute(trx);
          await sql`update payments set status = 'failed', failure_reason = 'declined' where id = ${payment.id}`.execute(
            trx,
          );
        },
        () => sandboxCallback(paidEvent(payment)),
      );
      // the locking way: verified money for a failed intent still pays the order waiting for it
      expect(res.statusCode, res.body).toBe(200);
      const after = await getOrder(t(), order.id);
      expect(after).toMatchObject({ status: 'paid', paidTotal: 11000 });
      expect(after.payments).toMatchObject([{ status: 'paid' }]);
      expect(await callbacksOf(payment.id)).toEqual(['paid']);
    },
  );

  describe('for an intent that failed', () => {
    async function failedPayment() {
      const { order, payment } = await openPayment();
      const failed = await sandboxCallback(notice('payment.failed', payment));
      expect(failed.statusCode, failed.body).toBe(200);
      expect((await getOrder(t(), order.id)).payments).toMatchObject([{ status: 'failed' }]);
      return { order, payment };
    }

    it('pays the order still waiting for it (a declined attempt the buyer then paid), and answers a resend the same', async () => {
      const { order, payment } = await failedPayment();
      const paid = await sandboxCallback(notice('payment.succeeded', payment));
      expect(paid.statusCode, paid.body).toBe(200);
      const again = await sandboxCallback(notice('payment.succeeded', payment));
      expect([again.statusCode, again.body]).toEqual([paid.statusCode, paid.body]);
      const after = await getOrder(t(), order.id);
      expect(after).toMatchObject({
        status: 'paid',
        paymentStatus: 'paid',
        paidTotal: 11000,
        refundedTotal: 0,
      });
      expect(after.payments).toMatchObject([{ status: 'paid', failureReason: null }]);
      const money = (await eventTypes(t(), order.id)).filter(
        (e) => e.startsWith('payment.') || e === 'order.paid',
      );
      expect(money).toEqual(['payment.created', 'payment.failed', 'order.paid', 'payment.succeeded']);
    });

    it('takes and gives back money for a failed intent whose order was cancelled meanwhile', async () => {
      const { order, payment } = await failedPayment();
      const cancelled = await t().request({
        method: 'POST',
        url: `/v1/orders/${order.id}/cancel`,
        payload: {},
      });
      expect(cancelled.statusCode, cancelled.body).toBe(200);
      const paid = await sandboxCallback(notice('payment.succeeded', payment));
      expect(paid.statusCode, paid.body).toBe(200);
      await expectGivenBack(t(), order.id, 11000);
      const money = (await eventTypes(t(), order.id)).filter((e) => e.startsWith('payment.'));
      expect(money).toEqual([
        'payment.created',
        'payment.failed',
        'payment.late_received',
        'payment.refunded',
      ]);
    });
  });
});
