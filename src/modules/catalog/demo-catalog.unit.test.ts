import { describe, expect, it } from 'vitest';
import { demoCatalogRows } from './demo-catalog.js';

describe('demo catalog', () => {
  // demoCatalogRows also checks every product against its category's attribute schema.
  const rows = demoCatalogRows(Date.parse('2026-01-01T00:00:00Z'));

  it('has three root categories with children, and paths that nest', () => {
    const roots = rows.categories.filter((c) => c.parent_id === null);
    expect(roots.length).toBeGreaterThanOrEqual(3);
    for (const c of rows.categories) {
      const parent = rows.categories.find((p) => p.id === c.parent_id);
      expect(c.path).toBe(`${parent?.path ?? '/'}${c.id}/`);
    }
  });

  it('has at least 20 active products and 50 distinct SKUs priced in CNY fen', () => {
    expect(rows.products.length).toBeGreaterThanOrEqual(20);
    expect(rows.products.every((p) => p.status === 'active')).toBe(true);
    const skus = rows.variants.map((v) => v.sku);
    expect(skus.length).toBeGreaterThanOrEqual(50);
    expect(new Set(skus).size).toBe(skus.length);
    for (const v of rows.variants) {
      expect(v.sku).toMatch(/^[A-Za-z0-9._-]{1,64}$/);
      expect(v.currency).toBe('CNY');
      expect(Number.isInteger(v.price)).toBe(true);
    }
  });

  it('is the same catalog every time but for the ids', () => {
    const again = demoCatalogRows(Date.parse('2026-01-01T00:00:00Z'));
    expect(again.variants.map((v) => [v.sku, v.price])).toEqual(rows.variants.map((v) => [v.sku, v.price]));
  });
});
