import { describe, expect, it } from 'vitest';
import { useTestApp } from '../../../test/helpers/test-app.js';
import { availableBySku } from './availability.js';
import { seedDemoInventory } from './demo-inventory.js';

describe('demo inventory', () => {
  const t = useTestApp();
  const skus = Array.from({ length: 30 }, (_, i) => `DEMO-${String(i).padStart(3, '0')}`);

  it('creates three warehouses in three regions and stocks every SKU, deterministically', async () => {
    expect(await seedDemoInventory(t().db, skus)).toEqual({ warehouses: 3 });
    const warehouses = await t()
      .db.selectFrom('warehouses')
      .select(['code', 'country', 'region'])
      .orderBy('code')
      .execute();
    expect(warehouses).toEqual([
      { code: 'BJ-01', country: 'CN', region: 'Beijing' },
      { code: 'GZ-01', country: 'CN', region: 'Guangdong' },
      { code: 'SH-01', country: 'CN', region: 'Shanghai' },
    ]);

    const levels = await t()
      .db.selectFrom('stock_levels')
      .select(['sku', 'warehouse_id', 'on_hand'])
      .execute();
    const perSku = new Map<string, number[]>();
    for (const l of levels) perSku.set(l.sku, [...(perSku.get(l.sku) ?? []), l.on_hand]);
    expect([...perSku.keys()].sort()).toEqual(skus);
    const counts = [...perSku.values()].map((q) => q.length);
    expect(counts).toContain(1);
    expect(counts).toContain(3);
    for (const q of levels.map((l) => l.on_hand).filter((n) => n > 0)) {
      expect(q).toBeGreaterThanOrEqual(5);
      expect(q).toBeLessThanOrEqual(200);
    }
    const available = await availableBySku(t().db, skus);
    const empty = skus.filter((s) => available.get(s) === 0);
    expect(empty.length).toBeGreaterThanOrEqual(2);
    expect(empty.length).toBeLessThan(skus.length / 2);

    // Receipts explain the opening stock.
    const receipts = await t().db.selectFrom('stock_adjustments').select('reason').distinct().execute();
    expect(receipts).toEqual([{ reason: 'receipt' }]);

    // Running it again changes nothing.
    const before = await t()
      .db.selectFrom('stock_levels')
      .selectAll()
      .orderBy('sku')
      .orderBy('warehouse_id')
      .execute();
    expect(await seedDemoInventory(t().db, skus)).toEqual({ warehouses: 3 });
    expect(
      await t().db.selectFrom('stock_levels').selectAll().orderBy('sku').orderBy('warehouse_id').execute(),
    ).toEqual(before);
  });

  it('seeds thousands of SKUs quickly', async () => {
    const many = Array.from({ length: 5000 }, (_, i) => `BULK-${i}`);
    const started = Date.now();
    await seedDemoInventory(t().db, many);
    expect(Date.now() - started).toBeLessThan(15_000);
    const { n } = await t()
      .db.selectFrom('stock_levels')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('sku', 'like', 'BULK-%')
      .executeTakeFirstOrThrow();
    expect(Number(n)).toBeGreaterThan(5000);
  });
});
