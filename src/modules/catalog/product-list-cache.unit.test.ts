import { afterEach, describe, expect, it, vi } from 'vitest';
import { ProductListCache } from './product-list-cache.js';

/**
 * A cache of 1 s holding 'page 1' for /v1/products, under fake timers, and a load whose answers the
 * test releases one at a time.
 */
async function cacheWithPage() {
  vi.useFakeTimers();
  const cache = new ProductListCache(1000);
  const pending: Array<{ resolve(json: string): void; reject(error: Error): void }> = [];
  const load = () => new Promise<string>((resolve, reject) => pending.push({ resolve, reject }));
  const first = cache.page('/v1/products', load);
  pending.shift()!.resolve('page 1');
  expect(await first).toBe('page 1');
  return { cache, load, pending };
}

describe('ProductListCache', () => {
  afterEach(() => vi.useRealTimers());

  it('loads a page once within its time, and afresh after forget', async () => {
    vi.useFakeTimers();
    const cache = new ProductListCache(1000);
    let loads = 0;
    const load = async () => `page ${++loads}`;
    expect(await cache.page('/v1/products', load)).toBe('page 1');
    vi.advanceTimersByTime(999);
    expect(await cache.page('/v1/products', load)).toBe('page 1');
    expect(await cache.page('/v1/products?limit=5', load)).toBe('page 2');
    cache.forget();
    expect(await cache.page('/v1/products', load)).toBe('page 3');
  });

  it('answers an expired page while its successor loads, and waits for a fresh one when far too old', async () => {
    const { cache, load, pending } = await cacheWithPage();

    vi.advanceTimersByTime(1500); // past its time, within one more
    expect(await cache.page('/v1/products', load)).toBe('page 1');
    expect(await cache.page('/v1/products', load)).toBe('page 1');
    expect(pending).toHaveLength(1); // one refresh for both readers
    pending.shift()!.resolve('page 2');
    await vi.runAllTimersAsync();
    expect(await cache.page('/v1/products', load)).toBe('page 2');

    vi.advanceTimersByTime(2000); // two times past: too old to answer
    const fresh = cache.page('/v1/products', load);
    expect(pending).toHaveLength(1);
    pending.shift()!.resolve('page 3');
    expect(await fresh).toBe('page 3');
  });

  it('keeps an expired page when its refresh fails, and a refresh that finishes after forget is dropped', async () => {
    const { cache, load, pending } = await cacheWithPage();
    vi.advanceTimersByTime(1500);
    expect(await cache.page('/v1/products', load)).toBe('page 1');
    pending.shift()!.reject(new Error('db away'));
    await vi.runAllTimersAsync();
    expect(await cache.page('/v1/products', load)).toBe('page 1'); // and a new refresh starts
    expect(pending).toHaveLength(1);

    cache.forget();
    pending.shift()!.resolve('page from before the write');
    await vi.runAllTimersAsync();
    const after = cache.page('/v1/products', load);
    pending.shift()!.resolve('page after the write');
    expect(await after).toBe('page after the write');
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
