import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../../test/helpers/test-app.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { newId } from '../../platform/ids.js';
import { reserveForOrder } from './allocation.js';
import { availableBySku, inStockSkus } from './availability.js';
import { insertSkus, insertStock, insertWarehouse, stockSnapshot } from './inventory.fixtures.js';
import type { ReservationRequest } from './inventory.types.js';
import { commitForOrder, listReservationsForOrder, releaseForOrder } from './reservations.js';

describe('reservations and allocation', () => {
  const t = useTestApp();
  const reserve = (orderId: string, lines: ReservationRequest[]) =>
    inTransaction(t().db, (trx) => reserveForOrder(trx, orderId, lines));
  const line = (
    sku: string,
    quantity: number,
    province: string | null = 'Guangdong',
  ): ReservationRequest => ({
    lineId: newId(),
    sku,
    quantity,
    destination: { country: 'CN', province },
  });
  /** Three warehouses in three regions; Shanghai has the best priority. */
  const threeWarehouses = async () => ({
    sh: await insertWarehouse(t().db, { region: 'Shanghai', priority: 10 }),
    gz: await insertWarehouse(t().db, { region: 'Guangdong', priority: 20 }),
    bj: await insertWarehouse(t().db, { region: 'Beijing', priority: 30 }),
  });
  const reservationRows = (orderId: string) =>
    t().db.selectFrom('reservations').selectAll().where('order_id', '=', orderId).execute();

  it('serves an order from the nearest warehouse that has every line, and records the reservations', async () => {
    const [a, b] = await insertSkus(t().db, 2);
    const { sh, gz, bj } = await threeWarehouses();
    for (const w of [sh, gz, bj]) {
      await insertStock(t().db, a!, w, 10);
      await insertStock(t().db, b!, w, 10);
    }
    const orderId = newId();
    const lines = [line(a!, 2), line(b!, 3)];
    const result = await reserve(orderId, lines);
    expect(result).toEqual({
      ok: true,
      reservations: [
        {
          id: expect.any(String),
          lineId: lines[0]!.lineId,
          sku: a,
          warehouseId: gz.id,
          warehouseCode: gz.code,
          quantity: 2,
          status: 'active',
        },
        {
          id: expect.any(String),
          lineId: lines[1]!.lineId,
          sku: b,
          warehouseId: gz.id,
          warehouseCode: gz.code,
          quantity: 3,
          status: 'active',
        },
      ],
    });
    const after = await stockSnapshot(t().db, [a!, b!]);
    expect(after[`${a}@${gz.code}`]).toMatchObject({ onHand: 10, reserved: 2 });
    expect(after[`${b}@${gz.code}`]).toMatchObject({ onHand: 10, reserved: 3 });
    expect(after[`${a}@${sh.code}`]).toMatchObject({ reserved: 0 });
    expect(await listReservationsForOrder(t().db, orderId)).toEqual(result.ok && result.reservations);

    // Without a province, same-country warehouses rank by priority: Shanghai.
    const national = await reserve(newId(), [line(a!, 1, null)]);
    expect(national.ok && national.reservations.map((r) => r.warehouseCode)).toEqual([sh.code]);
  });

  it('prefers one warehouse with everything over a nearer one with part of it', async () => {
    const [a, b] = await insertSkus(t().db, 2);
    const { sh, gz } = await threeWarehouses();
    await insertStock(t().db, a!, gz, 10);
    await insertStock(t().db, a!, sh, 10);
    await insertStock(t().db, b!, sh, 10);
    const result = await reserve(newId(), [line(a!, 2), line(b!, 3)]);
    expect(result.ok && result.reservations.map((r) => r.warehouseCode)).toEqual([sh.code, sh.code]);
  });

  it('splits a line that no single warehouse can fill, nearest first', async () => {
    const [a] = await insertSkus(t().db, 1);
    const { sh, gz, bj } = await threeWarehouses();
    await insertStock(t().db, a!, sh, 4);
    await insertStock(t().db, a!, gz, 3);
    await insertStock(t().db, a!, bj, 5);
    const orderId = newId();
    const request = line(a!, 9);
    const result = await reserve(orderId, [request]);
    expect(result.ok && result.reservations.map((r) => [r.lineId, r.warehouseCode, r.quantity])).toEqual([
      [request.lineId, gz.code, 3],
      [request.lineId, sh.code, 4],
      [request.lineId, bj.code, 2],
    ]);
    const after = await stockSnapshot(t().db, [a!]);
    expect([sh, gz, bj].map((w) => after[`${a}@${w.code}`]!.reserved)).toEqual([4, 3, 2]);
    expect(await reservationRows(orderId)).toHaveLength(3);
  });

  it('reports a shortage with what is available, and changes nothing', async () => {
    const [a, b] = await insertSkus(t().db, 2);
    const { sh, gz } = await threeWarehouses();
    await insertStock(t().db, a!, sh, 4, { reserved: 1 });
    await insertStock(t().db, a!, gz, 3, { safetyStock: 1 });
    await insertStock(t().db, b!, gz, 50);
    const before = await stockSnapshot(t().db, [a!, b!]);
    const orderId = newId();
    // B fits and A does not: nothing at all is reserved, B included.
    const result = await reserve(orderId, [line(b!, 5), line(a!, 4), line(a!, 2, 'Beijing')]);
    expect(result).toEqual({ ok: false, shortages: [{ sku: a, requested: 6, available: 5 }] });
    expect(await stockSnapshot(t().db, [a!, b!])).toEqual(before);
    expect(await reservationRows(orderId)).toEqual([]);
  });

  it('undoes a reservation already made in the transaction when a later one falls short', async () => {
    const [a, b] = await insertSkus(t().db, 2);
    const { gz } = await threeWarehouses();
    await insertStock(t().db, a!, gz, 5);
    await insertStock(t().db, b!, gz, 1);
    const before = await stockSnapshot(t().db, [a!, b!]);
    const outcome = await inTransaction(t().db, async (trx) => {
      const first = await reserveForOrder(trx, newId(), [line(a!, 2)]);
      const second = await reserveForOrder(trx, newId(), [line(a!, 1), line(b!, 2)]);
      return { first: first.ok, second };
    });
    expect(outcome).toEqual({
      first: true,
      second: { ok: false, shortages: [{ sku: b, requested: 2, available: 1 }] },
    });
    const after = await stockSnapshot(t().db, [a!, b!]);
    expect(after[`${a}@${gz.code}`]!.reserved).toBe(2);
    expect(after[`${b}@${gz.code}`]).toEqual(before[`${b}@${gz.code}`]);
  });

  it('keeps safety stock back', async () => {
    const [a] = await insertSkus(t().db, 1);
    const { gz } = await threeWarehouses();
    await insertStock(t().db, a!, gz, 10, { safetyStock: 4 });
    expect(await reserve(newId(), [line(a!, 7)])).toEqual({
      ok: false,
      shortages: [{ sku: a, requested: 7, available: 6 }],
    });
    expect((await reserve(newId(), [line(a!, 6)])).ok).toBe(true);
    expect((await stockSnapshot(t().db, [a!]))[`${a}@${gz.code}`]).toMatchObject({ onHand: 10, reserved: 6 });
    expect(await availableBySku(t().db, [a!])).toEqual(new Map([[a, 0]]));
  });

  it('never allocates from an inactive warehouse', async () => {
    const [a, b] = await insertSkus(t().db, 2);
    const closed = await insertWarehouse(t().db, { region: 'Guangdong', priority: 1, active: false });
    const far = await insertWarehouse(t().db, { region: 'Beijing', priority: 50 });
    await insertStock(t().db, a!, closed, 100);
    await insertStock(t().db, a!, far, 2);
    await insertStock(t().db, b!, closed, 100);
    const result = await reserve(newId(), [line(a!, 2)]);
    expect(result.ok && result.reservations.map((r) => r.warehouseCode)).toEqual([far.code]);
    expect(await reserve(newId(), [line(b!, 1)])).toEqual({
      ok: false,
      shortages: [{ sku: b, requested: 1, available: 0 }],
    });
    expect((await stockSnapshot(t().db, [b!]))[`${b}@${closed.code}`]!.reserved).toBe(0);
  });

  it('counts a SKU with no stock row as 0 available', async () => {
    const [a] = await insertSkus(t().db, 1);
    expect(await reserve(newId(), [line(a!, 1)])).toEqual({
      ok: false,
      shortages: [{ sku: a, requested: 1, available: 0 }],
    });
    expect(await availableBySku(t().db, [a!, 'UNKNOWN'])).toEqual(
      new Map([
        [a, 0],
        ['UNKNOWN', 0],
      ]),
    );
  });

  it('releases once: a second release finds nothing', async () => {
    const [a] = await insertSkus(t().db, 1);
    const { sh, gz } = await threeWarehouses();
    await insertStock(t().db, a!, sh, 5);
    await insertStock(t().db, a!, gz, 5);
    const orderId = newId();
    const reserved = await reserve(orderId, [line(a!, 8)]);
    expect(reserved.ok).toBe(true);
    const released = await inTransaction(t().db, (trx) => releaseForOrder(trx, orderId));
    expect(released.map((r) => [r.warehouseCode, r.quantity, r.status])).toEqual([
      [gz.code, 5, 'released'],
      [sh.code, 3, 'released'],
    ]);
    expect(await inTransaction(t().db, (trx) => releaseForOrder(trx, orderId))).toEqual([]);
    const after = await stockSnapshot(t().db, [a!]);
    expect([after[`${a}@${sh.code}`]!.reserved, after[`${a}@${gz.code}`]!.reserved]).toEqual([0, 0]);
    expect((await listReservationsForOrder(t().db, orderId)).map((r) => r.status)).toEqual([
      'released',
      'released',
    ]);
  });

  it('commits shipped lines: on hand and reserved fall together, with a shipment in the history', async () => {
    const [a, b] = await insertSkus(t().db, 2);
    const { gz } = await threeWarehouses();
    await insertStock(t().db, a!, gz, 10);
    await insertStock(t().db, b!, gz, 10);
    const orderId = newId();
    const [la, lb] = [line(a!, 2), line(b!, 3)];
    expect((await reserve(orderId, [la, lb])).ok).toBe(true);

    const shipped = await inTransaction(t().db, (trx) => commitForOrder(trx, orderId, [la.lineId]));
    expect(shipped.map((r) => [r.sku, r.quantity, r.status])).toEqual([[a, 2, 'committed']]);
    const after = await stockSnapshot(t().db, [a!, b!]);
    expect(after[`${a}@${gz.code}`]).toMatchObject({ onHand: 8, reserved: 0 });
    expect(after[`${b}@${gz.code}`]).toMatchObject({ onHand: 10, reserved: 3 });
    const log = await t().db.selectFrom('stock_adjustments').selectAll().where('sku', '=', a!).execute();
    expect(log).toEqual([
      expect.objectContaining({ delta: -2, on_hand_after: 8, reason: 'shipment', note: `order ${orderId}` }),
    ]);

    // Released after partial shipment: only what is still active comes back.
    const released = await inTransaction(t().db, (trx) => releaseForOrder(trx, orderId));
    expect(released.map((r) => r.sku)).toEqual([b]);
    expect(await inTransaction(t().db, (trx) => commitForOrder(trx, orderId))).toEqual([]);
    expect((await stockSnapshot(t().db, [b!]))[`${b}@${gz.code}`]).toMatchObject({ onHand: 10, reserved: 0 });
  });

  it('sums sellable stock over active warehouses and offers an in-stock subquery', async () => {
    const [a, b, c, d] = await insertSkus(t().db, 4);
    const { sh, gz } = await threeWarehouses();
    const closed = await insertWarehouse(t().db, { region: 'Hainan', active: false });
    await insertStock(t().db, a!, sh, 10, { reserved: 3, safetyStock: 2 }); // 5
    await insertStock(t().db, a!, gz, 4, { safetyStock: 6 }); // 0, not negative
    await insertStock(t().db, b!, closed, 50); // inactive: 0
    await insertStock(t().db, c!, gz, 1); // 1
    await insertStock(t().db, d!, sh, 5, { reserved: 5 }); // 0
    expect(await availableBySku(t().db, [a!, b!, c!, d!])).toEqual(
      new Map([
        [a, 5],
        [b, 0],
        [c, 1],
        [d, 0],
      ]),
    );
    const inStock = await t()
      .db.selectFrom('variants')
      .select('variants.sku')
      .where('variants.sku', 'in', [a!, b!, c!, d!])
      .where('variants.sku', 'in', inStockSkus(t().db))
      .orderBy('variants.sku')
      .execute();
    expect(inStock.map((r) => r.sku)).toEqual([a, c].sort());
  });

  it('refuses a non-positive quantity without touching anything', async () => {
    const [a] = await insertSkus(t().db, 1);
    await expect(reserve(newId(), [line(a!, 0)])).rejects.toMatchObject({ code: 'validation_failed' });
    expect(await reserve(newId(), [])).toEqual({ ok: true, reservations: [] });
  });
});
