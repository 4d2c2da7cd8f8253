import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Conn } from '../../platform/db/database.js';
import { SkuDirectory, type SkuInfo } from './skus.js';

const info = (sku: string, price = 100): SkuInfo => ({
  sku,
  variantId: `v-${sku}`,
  productId: `p-${sku}`,
  title: sku,
  price,
  currency: 'CNY',
  sellable: true,
  categoryId: 'c',
  taxCategory: 'standard',
  weightGrams: null,
});

/** A catalog the directory reads through, recording each lookup's SKUs. */
function catalog() {
  const rows = new Map<string, SkuInfo>();
  const lookups: string[][] = [];
  const lookup = async (_db: Conn, skus: readonly string[]) => {
    lookups.push([...skus].sort());
    return new Map(skus.flatMap((s) => (rows.has(s) ? [[s, rows.get(s)!] as const] : [])));
  };
  return { rows, lookups, lookup };
}

const db = {} as Conn;

describe('SkuDirectory', () => {
  beforeEach(() => vi.useFakeTimers({ now: new Date('2026-12-06T10:00:00Z') }));
  afterEach(() => vi.useRealTimers());

  it('renews the SKUs read lately along with the next miss, so they do not expire one by one, and drops the rest', async () => {
    const shop = catalog();
    for (const s of ['A', 'B', 'C', 'D']) shop.rows.set(s, info(s));
    const directory = new SkuDirectory(2000, shop.lookup);
    await directory.resolve(db, ['A', 'B', 'C']);
    shop.rows.set('A', info('A', 150));
    vi.advanceTimersByTime(1200);
    await directory.resolve(db, ['D']); // a miss; A, B and C expire within half the span
    expect(shop.lookups).toEqual([
      ['A', 'B', 'C'],
      ['A', 'B', 'C', 'D'],
    ]);
    vi.advanceTimersByTime(1000); // past the first read's span: renewed, so hits
    expect((await directory.resolve(db, ['A', 'B', 'C'])).get('A')?.price).toBe(150);
    expect(shop.lookups).toHaveLength(2);
    vi.advanceTimersByTime(3100); // all expired; D was last read more than two spans ago
    await directory.resolve(db, ['E']);
    await directory.resolve(db, ['D']);
    expect(shop.lookups.slice(2)).toEqual([['A', 'B', 'C', 'E'], ['D']]);
  });

  it('forgets a renewed SKU the catalog no longer has, and answers only what was asked', async () => {
    const shop = catalog();
    for (const s of ['A', 'B']) shop.rows.set(s, info(s));
    const directory = new SkuDirectory(2000, shop.lookup);
    await directory.resolve(db, ['A']);
    vi.advanceTimersByTime(1500);
    await directory.resolve(db, ['A']);
    shop.rows.delete('A');
    expect([...(await directory.resolve(db, ['B'])).keys()]).toEqual(['B']);
    expect((await directory.resolve(db, ['A'])).has('A')).toBe(false);
    expect(shop.lookups).toEqual([['A'], ['A', 'B'], ['A']]);
  });

  it('with no memory (CATALOG_CACHE_MS=0) looks up every time and renews nothing', async () => {
    const shop = catalog();
    shop.rows.set('A', info('A'));
    shop.rows.set('B', info('B'));
    const directory = new SkuDirectory(0, shop.lookup);
    await directory.resolve(db, ['A']);
    await directory.resolve(db, ['B']);
    await directory.resolve(db, ['A']);
    expect(shop.lookups).toEqual([['A'], ['B'], ['A']]);
  });
});
