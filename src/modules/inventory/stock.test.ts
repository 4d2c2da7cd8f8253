import { describe, expect, it } from 'vitest';
import { expectProblem, useTestApp } from '../../../test/helpers/test-app.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { newId } from '../../platform/ids.js';
import { reserveForOrder } from './allocation.js';
import { insertSkus, insertWarehouse, stockSnapshot } from './inventory.fixtures.js';

describe('stock levels and adjustments', () => {
  const t = useTestApp();
  const put = (sku: string, warehouse: string, payload: object, key?: string) =>
    t().request({ method: 'PUT', url: `/v1/inventory/${sku}/${warehouse}`, payload, key });
  const adjust = (payload: object, key?: string) =>
    t().request({ method: 'POST', url: '/v1/inventory/adjustments', payload, key });
  const history = async (query: string) =>
    (await t().request({ method: 'GET', url: `/v1/inventory/adjustments?${query}` })).json();

  it('sets on hand, records each change as an adjustment, and shows rows with totals', async () => {
    const [sku] = await insertSkus(t().db, 1);
    const sh = await insertWarehouse(t().db, { region: 'Shanghai' });
    const gz = await insertWarehouse(t().db, { region: 'Guangdong' });

    const first = await put(sku!, sh.code, { onHand: 40, safetyStock: 5, reason: 'receipt', note: 'PO 17' });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toMatchObject({
      sku,
      warehouseCode: sh.code,
      warehouseId: sh.id,
      onHand: 40,
      reserved: 0,
      available: 40,
      safetyStock: 5,
      sellable: 35,
    });
    // The warehouse may be named by id as well; a recount to the same number records nothing.
    expect((await put(sku!, sh.id, { onHand: 32 })).json()).toMatchObject({ onHand: 32, safetyStock: 5 });
    expect((await put(sku!, sh.code, { onHand: 32 })).statusCode).toBe(200);
    expect((await put(sku!, gz.code, { onHand: 3, safetyStock: 4 })).json()).toMatchObject({ sellable: 0 });

    const list = (await t().request({ method: 'GET', url: `/v1/inventory?sku=${sku}` })).json();
    expect(list.data.map((r: { warehouseCode: string }) => r.warehouseCode)).toEqual(
      [sh.code, gz.code].sort(),
    );
    expect(list.totals).toEqual([{ sku, onHand: 35, reserved: 0, available: 35, sellable: 27 }]);
    const one = (
      await t().request({ method: 'GET', url: `/v1/inventory?sku=${sku}&warehouse=${gz.code}` })
    ).json();
    expect(one.data).toHaveLength(1);
    expect(one.totals).toEqual([{ sku, onHand: 3, reserved: 0, available: 3, sellable: 0 }]);

    const log = await history(`sku=${sku}`);
    expect(
      log.data.map((a: { delta: number; onHandAfter: number; reason: string }) => [
        a.delta,
        a.onHandAfter,
        a.reason,
      ]),
    ).toEqual([
      [3, 3, 'count'],
      [-8, 32, 'count'],
      [40, 40, 'receipt'],
    ]);
    expect(log.data[2]).toMatchObject({ note: 'PO 17', actor: 'test admin', warehouseCode: sh.code });
  });

  it('adjusts by a delta with a reason and pages through the history', async () => {
    const [sku] = await insertSkus(t().db, 1);
    const wh = await insertWarehouse(t().db, { region: 'Beijing' });
    const receipt = await adjust({
      sku,
      warehouse: wh.code,
      delta: 20,
      reason: 'receipt',
      note: 'first delivery',
    });
    expect(receipt.statusCode, receipt.body).toBe(201);
    expect(receipt.json()).toMatchObject({
      sku,
      warehouseCode: wh.code,
      delta: 20,
      onHandAfter: 20,
      reason: 'receipt',
      note: 'first delivery',
      stock: { onHand: 20, reserved: 0, sellable: 20 },
    });
    expect((await adjust({ sku, warehouse: wh.id, delta: -3, reason: 'damage' })).json().onHandAfter).toBe(
      17,
    );
    expect((await adjust({ sku, warehouse: wh.code, delta: 1, reason: 'return' })).json().onHandAfter).toBe(
      18,
    );

    const first = await history(`sku=${sku}&warehouse=${wh.code}&limit=2`);
    expect(first.data.map((a: { reason: string }) => a.reason)).toEqual(['return', 'damage']);
    const second = await history(`sku=${sku}&warehouse=${wh.code}&limit=2&cursor=${first.nextCursor}`);
    expect(second.data.map((a: { reason: string }) => a.reason)).toEqual(['receipt']);
    expect(second.nextCursor).toBeNull();
  });

  it('refuses to take on hand below what is reserved, changing nothing', async () => {
    const [sku] = await insertSkus(t().db, 1);
    const wh = await insertWarehouse(t().db, { region: 'Zhejiang' });
    await put(sku!, wh.code, { onHand: 10 });
    const reserved = await inTransaction(t().db, (trx) =>
      reserveForOrder(trx, newId(), [
        { lineId: newId(), sku: sku!, quantity: 6, destination: { country: 'CN' } },
      ]),
    );
    expect(reserved.ok).toBe(true);
    const before = await stockSnapshot(t().db, [sku!]);
    const historyBefore = await history(`sku=${sku}`);

    const down = expectProblem(
      await adjust({ sku, warehouse: wh.code, delta: -5, reason: 'damage' }),
      409,
      'conflict',
    );
    expect(down).toMatchObject({ onHand: 10, reserved: 6 });
    expectProblem(await put(sku!, wh.code, { onHand: 5, safetyStock: 1 }), 409, 'conflict');

    expect(await stockSnapshot(t().db, [sku!])).toEqual(before);
    expect(await history(`sku=${sku}`)).toEqual(historyBefore);
    // Exactly down to what is reserved is allowed.
    expect(
      (await adjust({ sku, warehouse: wh.code, delta: -4, reason: 'count' })).json().stock,
    ).toMatchObject({
      onHand: 6,
      reserved: 6,
      available: 0,
    });
  });

  it('refuses a negative adjustment where there is no stock, leaving no row behind', async () => {
    const [sku] = await insertSkus(t().db, 1);
    const wh = await insertWarehouse(t().db, { region: 'Hubei' });
    expectProblem(await adjust({ sku, warehouse: wh.code, delta: -1, reason: 'damage' }), 409, 'conflict');
    expect(await stockSnapshot(t().db, [sku!])).toEqual({});
  });

  it('needs a catalog SKU and a known warehouse', async () => {
    const [sku] = await insertSkus(t().db, 1);
    const wh = await insertWarehouse(t().db, { region: 'Sichuan' });
    expectProblem(await put('NO-SUCH-SKU', wh.code, { onHand: 1 }), 404, 'not_found');
    expectProblem(await put(sku!, 'NO-SUCH-WH', { onHand: 1 }), 404, 'not_found');
    const badSku = expectProblem(
      await adjust({ sku: 'NO-SUCH-SKU', warehouse: wh.code, delta: 1, reason: 'receipt' }),
      422,
    );
    expect(badSku.errors).toEqual([{ field: 'body.sku', message: expect.any(String) }]);
    const badWh = expectProblem(
      await adjust({ sku, warehouse: 'NO-SUCH-WH', delta: 1, reason: 'receipt' }),
      422,
    );
    expect(badWh.errors).toEqual([{ field: 'body.warehouse', message: expect.any(String) }]);
    expect(await stockSnapshot(t().db, [sku!])).toEqual({});
  });

  it('validates bodies: zero delta, unknown reason, negative counts', async () => {
    const [sku] = await insertSkus(t().db, 1);
    const wh = await insertWarehouse(t().db, { region: 'Hunan' });
    const zero = expectProblem(await adjust({ sku, warehouse: wh.code, delta: 0, reason: 'count' }), 400);
    expect(zero.errors).toEqual([{ field: 'body.delta', message: 'must not be zero' }]);
    const reason = expectProblem(await adjust({ sku, warehouse: wh.code, delta: 1, reason: 'theft' }), 400);
    expect(reason.errors.map((e: { field: string }) => e.field)).toContain('body.reason');
    expectProblem(await adjust({ sku, warehouse: wh.code, delta: 1, reason: 'shipment' }), 400);
    expectProblem(await put(sku!, wh.code, { onHand: -1 }), 400, 'validation_failed');
    expectProblem(await put(sku!, wh.code, { onHand: '5' }), 400, 'validation_failed');
  });

  it('lets reading roles read and only warehouse staff write', async () => {
    const [sku] = await insertSkus(t().db, 1);
    const wh = await insertWarehouse(t().db, { region: 'Fujian' });
    const staff = await t().keyFor('warehouse');
    expect((await put(sku!, wh.code, { onHand: 3 }, staff)).statusCode).toBe(200);
    expect((await adjust({ sku, warehouse: wh.code, delta: 1, reason: 'receipt' }, staff)).json().actor).toBe(
      'test warehouse',
    );
    for (const role of ['storefront', 'support', 'channel', 'finance'] as const) {
      const key = await t().keyFor(role);
      expect((await t().request({ method: 'GET', url: `/v1/inventory?sku=${sku}`, key })).statusCode).toBe(
        200,
      );
      expect((await t().request({ method: 'GET', url: '/v1/inventory/adjustments', key })).statusCode).toBe(
        200,
      );
      expectProblem(await put(sku!, wh.code, { onHand: 1 }, key), 403, 'forbidden');
      expectProblem(
        await adjust({ sku, warehouse: wh.code, delta: 1, reason: 'receipt' }, key),
        403,
        'forbidden',
      );
    }
  });

  it('pages stock rows by SKU and warehouse', async () => {
    const skus = await insertSkus(t().db, 2);
    const a = await insertWarehouse(t().db, { region: 'Anhui' });
    const b = await insertWarehouse(t().db, { region: 'Anhui' });
    for (const sku of skus) for (const wh of [a, b]) await put(sku, wh.code, { onHand: 1 });
    const seen: string[] = [];
    let cursor: string | null = null;
    for (const sku of skus) {
      do {
        const page: { data: { sku: string; warehouseCode: string }[]; nextCursor: string | null } = (
          await t().request({
            method: 'GET',
            url: `/v1/inventory?sku=${sku}&limit=1${cursor ? `&cursor=${cursor}` : ''}`,
          })
        ).json();
        seen.push(...page.data.map((r) => `${r.sku}@${r.warehouseCode}`));
        cursor = page.nextCursor;
      } while (cursor);
    }
    expect(seen).toEqual(skus.flatMap((sku) => [a.code, b.code].sort().map((code) => `${sku}@${code}`)));
  });
});
