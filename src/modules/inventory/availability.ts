import type { SelectQueryBuilder } from 'kysely';
import type { Conn, Database } from '../../platform/db/database.js';
import { selectInStockSkus, sumSellable } from './stock.repository.js';

/** Sellable units per SKU across active warehouses; every asked SKU is in the map (0 when none). */
export async function availableBySku(db: Conn, skus: readonly string[]): Promise<Map<string, number>> {
  const unique = [...new Set(skus)];
  const result = new Map(unique.map((sku) => [sku, 0]));
  for (const row of await sumSellable(db, unique)) result.set(row.sku, row.sellable);
  return result;
}

/** A subquery selecting `sku` for every SKU with sellable stock, for catalog's in-stock filter. */
export function inStockSkus(db: Conn): SelectQueryBuilder<Database, 'stock_levels', { sku: string }> {
  return selectInStockSkus(db);
}
