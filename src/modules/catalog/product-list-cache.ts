/**
 * Serialized product-list pages, kept for `ttlMs` (CATALOG_CACHE_MS; 0 turns this off): a shop's
 * listing and search pages are read far more often than the catalog changes, and under a sale every
 * millisecond of CPU they do not take goes to the buyers. A catalog or stock write through this
 * process forgets every page at once; other processes' writes, and stock taken by orders, show
 * within `ttlMs`. Concurrent misses for one page share one query.
 */
export class ProductListCache {
  readonly #pages = new Map<string, { json: Promise<string>; until: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxPages = 1_000,
  ) {}

  /** The page for `key` (the request's path and query), from memory or from `load`. */
  page(key: string, load: () => Promise<string>): Promise<string> {
    if (this.ttlMs <= 0) return load();
    const now = Date.now();
    const hit = this.#pages.get(key);
    if (hit && hit.until > now) return hit.json;
    if (this.#pages.size >= this.maxPages) this.#pages.clear();
    const json = load();
    const entry = { json, until: now + this.ttlMs };
    this.#pages.set(key, entry);
    // A failed load is not remembered: the next request tries again.
    json.catch(() => {
      if (this.#pages.get(key) === entry) this.#pages.delete(key);
    });
    return json;
  }

  forget(): void {
    this.#pages.clear();
  }
}
