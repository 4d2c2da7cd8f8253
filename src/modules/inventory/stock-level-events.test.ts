import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../../test/helpers/test-app.js';
import { anyText } from '../../platform/db/row-sets.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { newId } from '../../platform/ids.js';
import { reserveForOrder } from './allocation.js';
import { insertSkus, insertWarehouse } from './inventory.fixtures.js';

/** stock.level_changed: one event per stock row whose sellable units a statement changed. */
describe('stock level events', () => {
  const t = useTestApp();
  const events = (skus: readonly string[]) =>
    t()
      .db.selectFrom('outbox')
      .innerJoin('outbox_pending', 'outbox_pending.position', 'outbox.position')
      .select(['outbox.subject', 'outbox.sequence', 'outbox.type', 'outbox.source', 'outbox.data'])
      .where(sql<string>`outbox.data->>'sku'`, '=', anyText(skus))
      .orderBy('outbox.position')
      .execute();

  it('writes one event per changed row of a statement, in subject order, numbered per subject', async () => {
    const skus = (await insertSkus(t().db, 3)).sort();
    const wh = await insertWarehouse(t().db, { region: 'Zhejiang' });
    const subject = (sku: string) => `stock:${sku}:${wh.id}`;
    // one statement, three rows: the third has nothing to sell (on hand = safety stock)
    await t()
      .db.insertInto('stock_levels')
      .values([
        { sku: skus[1]!, warehouse_id: wh.id, on_hand: 5, reserved: 0, safety_stock: 1 },
        { sku: skus[0]!, warehouse_id: wh.id, on_hand: 9, reserved: 0, safety_stock: 0 },
        { sku: skus[2]!, warehouse_id: wh.id, on_hand: 2, reserved: 0, safety_stock: 2 },
      ])
      .execute();
    expect(await events(skus)).toEqual([
      {
        subject: subject(skus[0]!),
        sequence: 1,
        type: 'com.ordersync.stock.level_changed',
        source: '/ordersync/inventory',
        data: { sku: skus[0], warehouseId: wh.id, onHand: 9, reserved: 0, safetyStock: 0, sellable: 9 },
      },
      {
        subject: subject(skus[1]!),
        sequence: 1,
        type: 'com.ordersync.stock.level_changed',
        source: '/ordersync/inventory',
        data: { sku: skus[1], warehouseId: wh.id, onHand: 5, reserved: 0, safetyStock: 1, sellable: 4 },
      },
    ]);

    // an order of two SKUs reserves in one statement: an event for each, the next number of each subject
    const reserved = await inTransaction(t().db, (trx) =>
      reserveForOrder(trx, newId(), [
        { lineId: newId(), sku: skus[1]!, quantity: 2, destination: { country: 'CN' } },
        { lineId: newId(), sku: skus[0]!, quantity: 3, destination: { country: 'CN' } },
      ]),
    );
    expect(reserved.ok).toBe(true);
    const afterOrder = (await events(skus)).slice(2);
    expect(afterOrder.map((e) => [e.subject, e.sequence, (e.data as { sellable: number }).sellable])).toEqual(
      [
        [subject(skus[0]!), 2, 6],
        [subject(skus[1]!), 2, 2],
      ],
    );

    // shipping reserved units moves on hand and reserved together; a touch changes nothing: no event
    await t()
      .db.updateTable('stock_levels')
      .set({ on_hand: sql`on_hand - reserved`, reserved: 0 })
      .where('sku', 'in', skus)
      .execute();
    await t()
      .db.updateTable('stock_levels')
      .set({ updated_at: sql`now()` })
      .where('sku', 'in', skus)
      .execute();
    expect(await events(skus)).toHaveLength(4);

    // a safety stock change moves what can be sold: the third row gets its first event
    await t()
      .db.updateTable('stock_levels')
      .set({ safety_stock: 0 })
      .where('sku', 'in', skus)
      .where('safety_stock', '>', 0)
      .execute();
    expect((await events(skus)).slice(4).map((e) => [e.subject, e.sequence, e.data])).toEqual([
      [
        subject(skus[1]!),
        3,
        { sku: skus[1], warehouseId: wh.id, onHand: 3, reserved: 0, safetyStock: 0, sellable: 3 },
      ],
      [
        subject(skus[2]!),
        1,
        { sku: skus[2], warehouseId: wh.id, onHand: 2, reserved: 0, safetyStock: 0, sellable: 2 },
      ],
    ]);
  });

  it('counts a row an upsert inserts as inserted and one it updates as updated', async () => {
    const [sku] = await insertSkus(t().db, 1);
    const wh = await insertWarehouse(t().db, { region: 'Jiangsu' });
    const upsert = (onHand: number) =>
      t()
        .db.insertInto('stock_levels')
        .values({ sku: sku!, warehouse_id: wh.id, on_hand: onHand })
        .onConflict((oc) => oc.columns(['sku', 'warehouse_id']).doUpdateSet({ on_hand: onHand }))
        .execute();
    await upsert(4);
    await upsert(4);
    await upsert(7);
    expect((await events([sku!])).map((e) => [e.sequence, (e.data as { onHand: number }).onHand])).toEqual([
      [1, 4],
      [2, 7],
    ]);
  });
});
