import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProductListCache } from './product-list-cache.js';

describe('ProductListCache', () => {
  afterEach(() => vi.useRealTimers());

  it('loads a page once within its time, again after it, and afresh after forget', async () => {
    vi.useFakeTimers();
    const cache = new ProductListCache(1000);
    let loads = 0;
    const load = async () => `page ${++loads}`;
    expect(await cache.page('/v1/products', load)).toBe('page 1');
    expect(await cache.page('/v1/products', load)).toBe('page 1');
    expect(await cache.page('/v1/products?limit=5', load)).toBe('page 2');
    vi.advanceTimersByTime(1000);
    expect(await cache.page('/v1/products', load)).toBe('page 3');
    cache.forget();
    expect(await cache.page('/v1/products', load)).toBe('page 4');
  });

  it('shares one load between concurrent misses, and forgets a load that failed', async () => {
    const cache = new ProductListCache(60_000);
    let loads = 0;
    const pages = await Promise.all(
      Array.from({ length: 5 }, () => cache.page('/v1/products', async () => `page ${++loads}`)),
    );
    expect(pages).toEqual(Array(5).fill('page 1'));

    await expect(
      cache.page('/v1/products?q=x', () => Promise.reject(new Error('db away'))),
    ).rejects.toThrow();
    expect(await cache.page('/v1/products?q=x', async () => 'found')).toBe('found');
  });

  it('loads every time when turned off (0)', async () => {
    const cache = new ProductListCache(0);
    let loads = 0;
    await cache.page('/v1/products', async () => `page ${++loads}`);
    await cache.page('/v1/products', async () => `page ${++loads}`);
    expect(loads).toBe(2);
  });
});
