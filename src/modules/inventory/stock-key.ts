/** A stock level is keyed by SKU and warehouse. */
export interface StockKey {
  sku: string;
  warehouseId: string;
}

/**
 * (sku, warehouse_id) order. Every multi-row change to stock_levels takes its row locks in this
 * order, so two transactions never wait on each other in a cycle (no deadlocks).
 */
export function byStockKey(a: StockKey, b: StockKey): number {
  if (a.sku !== b.sku) return a.sku < b.sku ? -1 : 1;
  return a.warehouseId < b.warehouseId ? -1 : a.warehouseId > b.warehouseId ? 1 : 0;
}

/** Sums quantities per stock level, in lock order. */
export function sumByStockKey(items: readonly (StockKey & { quantity: number })[]) {
  const sums = new Map<string, { sku: string; warehouseId: string; quantity: number }>();
  for (const { sku, warehouseId, quantity } of items) {
    const id = `${sku}\u0000${warehouseId}`;
    const sum = sums.get(id);
    if (sum) sum.quantity += quantity;
    else sums.set(id, { sku, warehouseId, quantity });
  }
  return [...sums.values()].sort(byStockKey);
}
