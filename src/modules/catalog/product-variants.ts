import type { FieldError } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import type { CreateVariantBody } from './catalog.schemas.js';

/**
 * The rules on new variants that need no database: a SKU given once per request, and one currency
 * per product (the product's, when it already has variants; else the first new variant's).
 */
export function checkNewVariants(
  variants: readonly Pick<CreateVariantBody, 'sku' | 'currency'>[],
  productCurrency: string | undefined,
  fieldOf: (index: number) => string,
): FieldError[] {
  const errors: FieldError[] = [];
  const currency = productCurrency ?? variants[0]?.currency;
  const seen = new Set<string>();
  variants.forEach((v, i) => {
    if (seen.has(v.sku)) errors.push({ field: `${fieldOf(i)}.sku`, message: `repeats the SKU ${v.sku}` });
    seen.add(v.sku);
    if (v.currency !== currency) {
      errors.push({
        field: `${fieldOf(i)}.currency`,
        message: `must be ${currency}: a product is priced in one currency`,
      });
    }
  });
  return errors;
}

/** The price range the product's list, sort and filters use. */
export function priceRange(prices: readonly number[]): { min_price: number; max_price: number } {
  return { min_price: Math.min(...prices), max_price: Math.max(...prices) };
}

/** A new variant's row (options as JSON text, for the jsonb column). */
export function variantRow(productId: string, v: CreateVariantBody) {
  return {
    id: newId(),
    product_id: productId,
    sku: v.sku,
    title: v.title ?? '',
    options: JSON.stringify(v.options ?? {}),
    price: v.price,
    currency: v.currency,
    weight_grams: v.weightGrams ?? null,
  };
}
