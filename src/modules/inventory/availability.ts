import type { RawBuilder, SelectQueryBuilder } from 'kysely';
import type { Conn, Database } from '../../platform/db/database.js';
import {
  selectInStockSkus,
  selectReservedFrom,
  sellableBySkuJson,
  stockPerWarehouse,
  sumSellable,
} from './stock.repository.js';

/** Sellable units per SKU across active warehouses; every asked SKU is in the map (0 when none). */
export async function availableBySku(db: Conn, skus: readonly string[]): Promise<Map<string, number>> {
  const unique = [...new Set(skus)];
  const result = new Map(unique.map((sku) => [sku, 0]));
  for (const row of await sumSellable(db, unique)) result.set(row.sku, row.sellable);
  return result;
}

/**
 * availableBySku as a subquery for another module's statement, the SKUs given as an SQL text array:
 * a JSON object of sellable units by SKU (a SKU absent: 0). A cart's write answers with it.
 */
export function availableBySkuSql(skus: RawBuilder<string[]>): RawBuilder<Record<string, number>> {
  return sellableBySkuJson(skus);
}

/**
 * Sellable units per SKU in the named active warehouses (a sales channel's; undefined: all of them),
 * every asked SKU in the map. Read in the caller's transaction: a channel's stock push reads it under its own row lock.
 */
export async function sellableInWarehouses(
  db: Conn,
  skus: readonly string[],
  warehouseCodes: readonly string[] | undefined,
): Promise<Map<string, number>> {
  const unique = [...new Set(skus)];
  const result = new Map(unique.map((sku) => [sku, 0]));
  for (const row of await sumSellable(db, unique, warehouseCodes)) result.set(row.sku, row.sellable);
  return result;
}

/** A subquery selecting `sku` for every SKU with sellable stock, for catalog's in-stock filter. */
export function inStockSkus(db: Conn): SelectQueryBuilder<Database, 'stock_levels', { sku: string }> {
  return selectInStockSkus(db);
}

export interface WarehouseStock {
  sku: string;
  warehouse: string;
  active: boolean;
  onHand: number;
  sellable: number;
}

/** On hand and sellable per asked SKU and warehouse it has a stock level in (analytics' days of cover). */
export async function stockBySkuAndWarehouse(db: Conn, skus: readonly string[]): Promise<WarehouseStock[]> {
  return stockPerWarehouse(db, [...new Set(skus)]);
}

/**
 * A subquery of (order_id, sku, warehouse, quantity): the warehouses each order's units were reserved
 * from, for analytics' sales velocity per warehouse.
 */
export function reservedFrom(db: Conn) {
  return selectReservedFrom(db);
}
