interface Page {
  json: Promise<string>;
  until: number;
  refreshing: boolean;
}

/**
 * Serialized product-list pages, kept for `ttlMs` (CATALOG_CACHE_MS; 0 turns this off): a shop's
 * listing and search pages are read far more often than the catalog changes, and under a sale every
 * millisecond of CPU they do not take goes to the buyers. For one more `ttlMs` past its time a page is
 * still answered while its successor loads, so a listing read under load does not wait behind the
 * orders for a database connection every `ttlMs`. A catalog or stock write through this process
 * forgets every page at once; other processes' writes, and stock taken by orders, show within two
 * `ttlMs`. Concurrent misses for one page share one query.
 */
export class ProductListCache {
  readonly #pages = new Map<string, Page>();

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
    if (hit && hit.until + this.ttlMs > now) {
      if (!hit.refreshing) this.#refresh(key, hit, load);
      return hit.json;
    }
    if (this.#pages.size >= this.maxPages) this.#pages.clear();
    const json = load();
    const entry = { json, until: now + this.ttlMs, refreshing: false };
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

  /** Loads the page's successor in the background; it replaces the page unless forgotten meanwhile. */
  #refresh(key: string, page: Page, load: () => Promise<string>): void {
    page.refreshing = true;
    load().then(
      (json) => {
        if (this.#pages.get(key) !== page) return;
        this.#pages.set(key, {
          json: Promise.resolve(json),
          until: Date.now() + this.ttlMs,
          refreshing: false,
        });
      },
      () => {
        page.refreshing = false; // the stale page stays; the next reader tries again
      },
    );
  }
}
