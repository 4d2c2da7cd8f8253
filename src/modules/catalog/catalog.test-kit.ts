import { expect } from 'vitest';
import type { TestApp } from '../../../test/helpers/test-app.js';

/** Request shorthands the catalog's test files share. */
export function catalogTestKit(t: () => TestApp) {
  const post = (url: string, payload: object) => t().request({ method: 'POST', url, payload });
  const get = (url: string) => t().request({ method: 'GET', url });
  let n = 0;
  const sku = (prefix = 'SKU') => `${prefix}-${++n}`;
  return {
    post,
    get,
    /** The parsed JSON of a 201. */
    async created(url: string, payload: object) {
      const res = await post(url, payload);
      expect(res.statusCode, res.body).toBe(201);
      return res.json();
    },
    sku,
    variant: (price = 1000, more: object = {}) => ({ sku: sku(), price, currency: 'CNY', ...more }),
    fields: (body: { errors: { field: string }[] }) => body.errors.map((e) => e.field).sort(),
  };
}
