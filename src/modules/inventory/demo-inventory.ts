import type { Db } from '../../platform/db/database.js';
import { inTransaction } from '../../platform/db/transaction.js';
import { newId } from '../../platform/ids.js';
import { insertAdjustments } from './adjustments.repository.js';

const DEMO_WAREHOUSES = [
  { code: 'SH-01', name: 'Shanghai Qingpu DC', country: 'CN', region: 'Shanghai', priority: 10 },
  { code: 'GZ-01', name: 'Guangzhou Baiyun DC', country: 'CN', region: 'Guangdong', priority: 20 },
  { code: 'BJ-01', name: 'Beijing Shunyi DC', country: 'CN', region: 'Beijing', priority: 30 },
] as const;

// Which of the warehouses above stock a SKU, by its index: some everywhere, some in one place only.
const SPREADS: readonly (readonly number[])[] = [[0, 1, 2], [0], [1], [1, 2], [0, 1, 2], [2]];
// Rows per insert statement: 6 parameters each, far below PostgreSQL's 65,535.
const CHUNK = 2000;

/** 5–200 units, spread over SKUs and warehouses without looking random from one run to the next. */
const demoQuantity = (skuIndex: number, warehouseIndex: number) =>
  5 + ((skuIndex * 37 + warehouseIndex * 71) % 196);

/**
 * Three warehouses in three regions and stock for every SKU: deterministic, so demos and docs can
 * refer to it. Every tenth SKU (and the last one) has none, so the in-stock filter has work to do.
 * Safe to run again: existing warehouses and levels are kept.
 */
export async function seedDemoInventory(db: Db, skus: readonly string[]): Promise<{ warehouses: number }> {
  return inTransaction(db, async (trx) => {
    const warehouses = await trx
      .insertInto('warehouses')
      .values(DEMO_WAREHOUSES.map((w) => ({ id: newId(), ...w })))
      .onConflict((oc) => oc.column('code').doUpdateSet((eb) => ({ code: eb.ref('excluded.code') })))
      .returning(['id', 'code'])
      .execute();
    const idOf = new Map(warehouses.map((w) => [w.code, w.id]));
    const ids = DEMO_WAREHOUSES.map((w) => idOf.get(w.code)!);

    const levels = skus.flatMap((sku, i) => {
      const empty = i % 10 === 9 || (skus.length >= 4 && i === skus.length - 1);
      return SPREADS[i % SPREADS.length]!.map((w) => ({
        sku,
        warehouse_id: ids[w]!,
        on_hand: empty ? 0 : demoQuantity(i, w),
        safety_stock: !empty && i % 6 === 0 ? 2 : 0,
      }));
    });
    for (let start = 0; start < levels.length; start += CHUNK) {
      const inserted = await trx
        .insertInto('stock_levels')
        .values(levels.slice(start, start + CHUNK))
        .onConflict((oc) => oc.columns(['sku', 'warehouse_id']).doNothing())
        .returning(['sku', 'warehouse_id', 'on_hand'])
        .execute();
      const receipts = inserted
        .filter((l) => l.on_hand > 0)
        .map((l) => ({
          id: newId(),
          sku: l.sku,
          warehouse_id: l.warehouse_id,
          delta: l.on_hand,
          on_hand_after: l.on_hand,
          reason: 'receipt' as const,
          note: 'demo data',
        }));
      await insertAdjustments(trx, receipts);
    }
    return { warehouses: warehouses.length };
  });
}
