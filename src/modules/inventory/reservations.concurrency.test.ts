import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../../test/helpers/test-app.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { newId } from '../../platform/ids.js';
import { reserveForOrder } from './allocation.js';
import { insertSkus, insertStock, insertWarehouse, stockSnapshot } from './inventory.fixtures.js';
import { releaseForOrder } from './reservations.js';

// On PostgreSQL these run truly in parallel (a pool of connections, READ COMMITTED); on PGlite the
// driver serializes transactions, so the same assertions hold trivially there.
describe('reservations under concurrency', () => {
  const t = useTestApp();

  /** 200 one-unit orders at once, each in its own transaction, all for one SKU shipping to Guangdong. */
  const race = (sku: string) =>
    Promise.all(
      Array.from({ length: 200 }, () =>
        inTransaction(t().db, (trx) =>
          reserveForOrder(trx, newId(), [
            { lineId: newId(), sku, quantity: 1, destination: { country: 'CN', province: 'Guangdong' } },
          ]),
        ),
      ),
    );

  const activeReservations = async (sku: string) => {
    const r = await t()
      .db.selectFrom('reservations')
      .select((eb) => [eb.fn.countAll<number>().as('rows'), eb.fn.sum<number>('quantity').as('units')])
      .where('sku', '=', sku)
      .where('status', '=', 'active')
      .executeTakeFirstOrThrow();
    return [Number(r.rows), Number(r.units ?? 0)];
  };

  it('sells exactly the 50 units on hand to 200 simultaneous orders', async () => {
    const [sku] = await insertSkus(t().db, 1);
    const wh = await insertWarehouse(t().db, { region: 'Guangdong' });
    await insertStock(t().db, sku!, wh, 50);

    const results = await race(sku!);

    expect(results.filter((r) => r.ok)).toHaveLength(50);
    for (const r of results.filter((r) => !r.ok)) {
      expect(r).toEqual({ ok: false, shortages: [{ sku, requested: 1, available: 0 }] });
    }
    expect((await stockSnapshot(t().db, [sku!]))[`${sku}@${wh.code}`]).toMatchObject({
      onHand: 50,
      reserved: 50,
    });
    expect(await activeReservations(sku!)).toEqual([50, 50]);
  });

  it('holds across warehouses and safety stock: 30 + (25 − 5 safety) sell 50', async () => {
    const [sku] = await insertSkus(t().db, 1);
    const near = await insertWarehouse(t().db, { region: 'Guangdong', priority: 1 });
    const far = await insertWarehouse(t().db, { region: 'Beijing', priority: 9 });
    await insertStock(t().db, sku!, near, 30);
    await insertStock(t().db, sku!, far, 25, { safetyStock: 5 });

    const results = await race(sku!);

    expect(results.filter((r) => r.ok)).toHaveLength(50);
    const after = await stockSnapshot(t().db, [sku!]);
    expect(after[`${sku}@${near.code}`]).toMatchObject({ onHand: 30, reserved: 30 });
    expect(after[`${sku}@${far.code}`]).toMatchObject({ onHand: 25, reserved: 20, safetyStock: 5 });
    expect(await activeReservations(sku!)).toEqual([50, 50]);
  });

  it('re-plans when another order takes the stock between its read and its update', async () => {
    const [sku] = await insertSkus(t().db, 1);
    const near = await insertWarehouse(t().db, { region: 'Guangdong', priority: 1 });
    const far = await insertWarehouse(t().db, { region: 'Beijing', priority: 9 });
    await insertStock(t().db, sku!, near, 5);
    await insertStock(t().db, sku!, far, 5);
    const want = (quantity: number) => [
      { lineId: newId(), sku: sku!, quantity, destination: { country: 'CN', province: 'Guangdong' } },
    ];
    let firstReserved!: () => void;
    let letFirstCommit!: () => void;
    const reservedSignal = new Promise<void>((resolve) => {
      firstReserved = resolve;
    });
    const commitGate = new Promise<void>((resolve) => {
      letFirstCommit = resolve;
    });

    // The first order holds all of `near`, uncommitted. On PostgreSQL the second reads the committed
    // 5 units there, plans them, and its UPDATE waits on the row lock; when the first commits, that
    // UPDATE finds nothing left and the second re-plans onto `far`. (PGlite simply runs them in turn.)
    const first = inTransaction(t().db, async (trx) => {
      const result = await reserveForOrder(trx, newId(), want(5));
      firstReserved();
      await commitGate;
      return result;
    });
    await reservedSignal;
    const second = inTransaction(t().db, (trx) => reserveForOrder(trx, newId(), want(3)));
    await new Promise((resolve) => setTimeout(resolve, 200));
    letFirstCommit();

    const [a, b] = await Promise.all([first, second]);
    expect(a.ok && a.reservations.map((r) => [r.warehouseCode, r.quantity])).toEqual([[near.code, 5]]);
    expect(b.ok && b.reservations.map((r) => [r.warehouseCode, r.quantity])).toEqual([[far.code, 3]]);
    const after = await stockSnapshot(t().db, [sku!]);
    expect([after[`${sku}@${near.code}`]!.reserved, after[`${sku}@${far.code}`]!.reserved]).toEqual([5, 3]);
  });

  it('releases an order once when ten cancellations race', async () => {
    const [sku] = await insertSkus(t().db, 1);
    const a = await insertWarehouse(t().db, { region: 'Shanghai' });
    const b = await insertWarehouse(t().db, { region: 'Jiangsu' });
    await insertStock(t().db, sku!, a, 6);
    await insertStock(t().db, sku!, b, 6);
    const other = newId();
    const orderId = newId();
    const reserve = (id: string, quantity: number) =>
      inTransaction(t().db, (trx) =>
        reserveForOrder(trx, id, [
          { lineId: newId(), sku: sku!, quantity, destination: { country: 'CN', province: 'Shanghai' } },
        ]),
      );
    expect((await reserve(other, 2)).ok).toBe(true);
    expect((await reserve(orderId, 8)).ok).toBe(true);

    const releases = await Promise.all(
      Array.from({ length: 10 }, () => inTransaction(t().db, (trx) => releaseForOrder(trx, orderId))),
    );

    const winners = releases.filter((r) => r.length > 0);
    expect(winners).toHaveLength(1);
    expect(winners[0]!.reduce((sum, r) => sum + r.quantity, 0)).toBe(8);
    const after = await stockSnapshot(t().db, [sku!]);
    // Only the other order's 2 units stay reserved.
    expect(after[`${sku}@${a.code}`]!.reserved + after[`${sku}@${b.code}`]!.reserved).toBe(2);
    expect(after[`${sku}@${a.code}`]!.onHand + after[`${sku}@${b.code}`]!.onHand).toBe(12);
  });
});
