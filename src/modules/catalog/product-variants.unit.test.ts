import { describe, expect, it } from 'vitest';
import { checkNewVariants, priceRange } from './product-variants.js';

const at = (i: number) => `body.variants[${i}]`;

describe('checkNewVariants', () => {
  it('accepts distinct SKUs in one currency', () => {
    const variants = [
      { sku: 'A', currency: 'CNY' },
      { sku: 'B', currency: 'CNY' },
    ];
    expect(checkNewVariants(variants, undefined, at)).toEqual([]);
  });

  it('names a repeated SKU and each variant in another currency', () => {
    const variants = [
      { sku: 'A', currency: 'CNY' },
      { sku: 'A', currency: 'CNY' },
      { sku: 'C', currency: 'USD' },
    ];
    expect(checkNewVariants(variants, undefined, at).map((e) => e.field)).toEqual([
      'body.variants[1].sku',
      'body.variants[2].currency',
    ]);
  });

  it("holds a new variant to the product's currency", () => {
    expect(checkNewVariants([{ sku: 'A', currency: 'USD' }], 'CNY', () => 'body')).toEqual([
      { field: 'body.currency', message: 'must be CNY: a product is priced in one currency' },
    ]);
  });
});

describe('priceRange', () => {
  it('is the lowest and highest price', () => {
    expect(priceRange([300, 100, 200])).toEqual({ min_price: 100, max_price: 300 });
  });
});
