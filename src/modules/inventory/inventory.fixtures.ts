// Test data written straight to the tables, so inventory tests do not depend on the catalog API.
import { randomBytes } from 'node:crypto';
import type { Db } from '../../platform/db/database.js';
import { newId } from '../../platform/ids.js';

export const uniq = () => randomBytes(4).toString('hex').toUpperCase();

/** One active product with a variant per SKU; returns the SKUs. */
export async function insertSkus(db: Db, count: number): Promise<string[]> {
  const u = uniq();
  const categoryId = newId();
  const productId = newId();
  await db
    .insertInto('categories')
    .values({ id: categoryId, name: `Cat ${u}`, slug: `cat-${u.toLowerCase()}`, path: `/${categoryId}/` })
    .execute();
  await db
    .insertInto('products')
    .values({
      id: productId,
      category_id: categoryId,
      title: `Product ${u}`,
      description: '',
      status: 'active',
    })
    .execute();
  const skus = Array.from({ length: count }, (_, i) => `INV-${u}-${i}`);
  await db
    .insertInto('variants')
    .values(
      skus.map((sku, i) => ({
        id: newId(),
        product_id: productId,
        sku,
        title: `v${i}`,
        price: 1000,
        currency: 'CNY',
      })),
    )
    .execute();
  return skus;
}

export interface WarehouseFixture {
  id: string;
  code: string;
}

export async function insertWarehouse(
  db: Db,
  input: { region: string; country?: string; priority?: number; active?: boolean; code?: string },
): Promise<WarehouseFixture> {
  const code = input.code ?? `T-${uniq()}`;
  const id = newId();
  await db
    .insertInto('warehouses')
    .values({
      id,
      code,
      name: `Warehouse ${code}`,
      country: input.country ?? 'CN',
      region: input.region,
      priority: input.priority ?? 100,
      active: input.active ?? true,
    })
    .execute();
  return { id, code };
}

export async function insertStock(
  db: Db,
  sku: string,
  warehouse: WarehouseFixture,
  onHand: number,
  extra: { reserved?: number; safetyStock?: number } = {},
): Promise<void> {
  await db
    .insertInto('stock_levels')
    .values({
      sku,
      warehouse_id: warehouse.id,
      on_hand: onHand,
      reserved: extra.reserved ?? 0,
      safety_stock: extra.safetyStock ?? 0,
    })
    .execute();
}

/** The stock levels of some SKUs, keyed `sku@code`, for before/after comparisons. */
export async function stockSnapshot(db: Db, skus: readonly string[]) {
  const rows = await db
    .selectFrom('stock_levels')
    .innerJoin('warehouses', 'warehouses.id', 'stock_levels.warehouse_id')
    .select([
      'stock_levels.sku',
      'warehouses.code',
      'on_hand',
      'reserved',
      'safety_stock',
      'stock_levels.updated_at',
    ])
    .where('stock_levels.sku', 'in', skus)
    .orderBy('stock_levels.sku')
    .orderBy('warehouses.code')
    .execute();
  return Object.fromEntries(
    rows.map((r) => [
      `${r.sku}@${r.code}`,
      {
        onHand: r.on_hand,
        reserved: r.reserved,
        safetyStock: r.safety_stock,
        updatedAt: r.updated_at.toISOString(),
      },
    ]),
  );
}
