import { Type } from 'typebox';
import type { ChannelFetch } from '../channel-fetch.js';
import { checkPayload } from '../channel-payload.js';
import { findChannelNamesOf } from '../channels.repository.js';
import {
  emptyOutcome,
  type PushItem,
  type PushOptions,
  type PushOutcome,
  type StockAdapter,
  type StockTarget,
} from '../stock-push/stock-targets.js';
import { TokenBucket } from '../token-bucket.js';
import { basicAuth } from './woo-orders-api.js';

const API = '/wp-json/wc/v3';
/** WooCommerce takes at most 100 objects a batch request (`woocommerce_rest_batch_items_limit`). */
const BATCH_MAX = 100;
/** Requests a second when the channel's stock policy names none: WooCommerce has no limit of its own. */
export const WOO_DEFAULT_REQUESTS_PER_SECOND = 5;
/** How long a SKU's items (or their absence) are believed before they are looked up again. */
const ITEMS_TTL_MS = 10 * 60_000;
/** A rest up to this long is waited within the push; a longer one ends it (the pusher comes back). */
const WAIT_HERE_MS = 1_000;
const BACKOFF_MAX_MS = 60_000;
const TIMEOUT_MS = 10_000;
/** SKUs a `sku=` look-up names at once (the list travels in the URL). */
const LOOKUP_CHUNK = 50;

/** A WooCommerce item stock is set on: a product, or the variation `variation` of product `product`. */
interface WooItem {
  product: number;
  variation: number | null;
}

// What the adapter reads of WooCommerce's answers (REST v3; the rest of each object is ignored).
const Found = Type.Object({
  id: Type.Integer({ minimum: 1 }),
  parent_id: Type.Optional(Type.Integer()),
  sku: Type.Optional(Type.Union([Type.String(), Type.Null()])),
  type: Type.Optional(Type.String()),
});
const FoundList = Type.Array(Found);
const BatchAnswer = Type.Object({
  update: Type.Optional(
    Type.Array(
      Type.Object({
        id: Type.Optional(Type.Unknown()),
        error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() })),
      }),
    ),
  ),
});

export class WooStockError extends Error {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Retry-After in milliseconds: seconds, or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  // an HTTP date names its day and month (a bare number that is not a delay is no date)
  const at = /[A-Za-z]/.test(header) ? Date.parse(header) : Number.NaN;
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/**
 * WooCommerce's REST v3 for stock: `POST products/batch` and `POST products/{id}/variations/batch`
 * with `{update: [{id, manage_stock: true, stock_quantity}]}`, 100 objects a request; the answer lists
 * each object, or an `error` for one that failed (the others are saved). A SKU's items are found by
 * the channel's SKU map read backwards (a mapped channel SKU, or a product / variation id as order
 * lines carry them), else by our SKU as the site's: `GET products?sku=a,b,…` (it finds variations
 * too), `GET products/{id}` for an id. WooCommerce has no compare-and-set, so order is ours to keep:
 * one push per channel at a time (the pusher), and no request started past the pusher's deadline.
 * WooCommerce publishes no rate limit, its hosts do: requests are paced by a token bucket at the
 * channel's `requestsPerSecond`; a 429 waits its Retry-After (the whole channel rests meanwhile), a
 * 5xx or a dropped connection backs off and tries again.
 */
export class WooStock implements StockTarget {
  readonly batchSize = BATCH_MAX;
  readonly bucket: TokenBucket;
  /** Our SKU → its items on the site (none: not sold there), and until when that is believed. */
  private readonly known = new Map<string, { items: WooItem[]; until: number }>();
  private readonly auth: string;
  /** The channel rests until then (Retry-After, or a backoff after failures). */
  private notBefore = 0;
  /** 5xx answers and dropped connections in a row. */
  private failures = 0;
  throttled = 0;

  constructor(
    private readonly site: string,
    credentials: { consumerKey: string; consumerSecret: string },
    private readonly namesOf: (skus: readonly string[]) => Promise<Map<string, string[]>>,
    private readonly fetchFn: ChannelFetch = fetch,
    requestsPerSecond = WOO_DEFAULT_REQUESTS_PER_SECOND,
  ) {
    this.auth = basicAuth(credentials);
    this.bucket = new TokenBucket(requestsPerSecond, Math.max(1, Math.floor(requestsPerSecond)));
  }

  readyAt(): number {
    return this.notBefore;
  }

  async push(items: readonly PushItem[], { until }: PushOptions): Promise<PushOutcome> {
    const outcome = emptyOutcome();
    const before = this.throttled;
    /** Per SKU: its items' answers (an SKU on several items is set on each). */
    const answers = new Map<string, Array<'set' | 'gone' | { failed: string }>>();
    /** Per SKU: how many items it is set on (one not answered, the SKU is not done). */
    const expected = new Map<string, number>();
    try {
      const now = Date.now();
      const unknown = items.filter((i) => (this.known.get(i.sku)?.until ?? 0) <= now).map((i) => i.sku);
      if (unknown.length) await this.lookUp(unknown, until);
      // Products in products/batch, each variable product's variations in its variations/batch.
      const groups = new Map<number, Array<{ sku: string; id: number; level: number }>>();
      for (const i of items) {
        const found = this.known.get(i.sku)?.items ?? [];
        if (found.length === 0) outcome.absent.push(i.sku);
        expected.set(i.sku, found.length);
        for (const w of found) {
          const parent = w.variation === null ? 0 : w.product;
          groups.set(parent, [
            ...(groups.get(parent) ?? []),
            { sku: i.sku, id: w.variation ?? w.product, level: i.level },
          ]);
        }
      }
      for (const [parent, updates] of groups)
        for (let k = 0; k < updates.length; k += BATCH_MAX) {
          const part = updates.slice(k, k + BATCH_MAX);
          const path = parent === 0 ? '/products/batch' : `/products/${parent}/variations/batch`;
          const body = {
            update: part.map((u) => ({ id: u.id, manage_stock: true, stock_quantity: u.level })),
          };
          const answer = checkPayload(
            BatchAnswer,
            (await this.request('POST', path, until, body)).body,
            'WooCommerce batch answer',
          );
          // Items are answered in the order sent (WooCommerce updates them one after another).
          part.forEach((u, n) => {
            const a = answer.update?.[n];
            const result =
              a?.error === undefined
                ? a !== undefined && Number(a.id) === u.id
                  ? ('set' as const)
                  : { failed: `no answer for item ${u.id}` }
                : a.error.code.endsWith('_invalid_id')
                  ? ('gone' as const)
                  : { failed: `${a.error.code}: ${a.error.message}`.slice(0, 300) };
            answers.set(u.sku, [...(answers.get(u.sku) ?? []), result]);
          });
        }
    } catch (error) {
      // What was answered stands; the rest stays due and the pusher notes why it stopped.
      outcome.error = (error as Error).message;
    }
    for (const [sku, results] of answers) {
      // An item the site no longer has: look the SKU up again next time (it may have a new one).
      if (results.includes('gone')) this.known.delete(sku);
      const failed = results.find((r) => typeof r === 'object');
      if (failed) outcome.failed.push({ sku, message: (failed as { failed: string }).failed });
      // else, when the push stopped before the SKU's other items: neither, it stays due
      else if (results.length === expected.get(sku)) {
        if (results.includes('set')) outcome.acked.push(sku);
        else outcome.absent.push(sku);
      }
    }
    outcome.throttled = this.throttled - before;
    return outcome;
  }

  /** Finds each SKU's items on the site by the names the channel knows it by. */
  private async lookUp(skus: readonly string[], until: number): Promise<void> {
    const mapped = await this.namesOf(skus);
    const names = new Map(skus.map((s) => [s, mapped.get(s) ?? [s]]));
    const all = [...new Set([...names.values()].flat())];
    const bySku = new Map<string, WooItem>();
    // A name with a comma would be split by `sku=`; alone it is matched whole as well.
    const listed = all.filter((n) => !n.includes(','));
    const chunks = [
      ...Array.from({ length: Math.ceil(listed.length / LOOKUP_CHUNK) }, (_, i) =>
        listed.slice(i * LOOKUP_CHUNK, (i + 1) * LOOKUP_CHUNK).join(','),
      ),
      ...all.filter((n) => n.includes(',')),
    ];
    for (const chunk of chunks)
      for (let page = 1, pages = 1; page <= pages; page++) {
        const query = new URLSearchParams({ sku: chunk, per_page: '100', page: String(page) });
        const res = await this.request('GET', `/products?${query}`, until);
        pages = res.pages;
        for (const f of checkPayload(FoundList, res.body, 'WooCommerce product list'))
          if (f.sku) bySku.set(f.sku, itemOf(f));
      }
    // A name that is no SKU there but a number: a product or variation id (what order lines carry).
    const byId = new Map<string, WooItem>();
    for (const n of all)
      if (!bySku.has(n) && /^[1-9]\d{0,15}$/.test(n)) {
        const res = await this.request('GET', `/products/${n}`, until, undefined, true);
        if (res.body !== undefined) byId.set(n, itemOf(checkPayload(Found, res.body, 'WooCommerce product')));
      }
    const until_ = Date.now() + ITEMS_TTL_MS;
    for (const [sku, its] of names) {
      const items = new Map<number, WooItem>();
      for (const n of its) {
        const w = bySku.get(n) ?? byId.get(n);
        if (w) items.set(w.variation ?? w.product, w);
      }
      this.known.set(sku, { items: [...items.values()], until: until_ });
    }
  }

  /**
   * One API call, paced by the bucket, none started past `until`. A 429 makes the channel rest for
   * its Retry-After, a 5xx or a dropped connection for a backoff that doubles while they last
   * (the pusher skips a resting channel, so other channels are not held up): a short rest is waited
   * here and the call tried again, a longer one ends the push. The JSON answer and a listing's
   * X-WP-TotalPages; a 404 answers `body: undefined` when `missingOk`.
   */
  private async request(
    method: 'GET' | 'POST',
    path: string,
    until: number,
    body?: unknown,
    missingOk = false,
  ): Promise<{ body: unknown; pages: number }> {
    const url = new URL(`${API}${path}`, this.site);
    for (;;) {
      const rest = this.notBefore - Date.now();
      if (rest > 0) await sleep(rest);
      await this.bucket.take();
      if (Date.now() > until) throw new WooStockError('stopped before the lease on the channel ran short');
      let res: Response | undefined;
      let failure: string;
      try {
        res = await this.fetchFn(url, {
          method,
          headers: {
            authorization: this.auth,
            accept: 'application/json',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          redirect: 'manual',
          signal: AbortSignal.timeout(TIMEOUT_MS),
        });
        if (res.ok) {
          this.failures = 0;
          const json = (await res.json()) as unknown;
          return { body: json, pages: Number(res.headers.get('x-wp-totalpages') ?? '1') || 1 };
        }
        if (res.status === 404 && missingOk) {
          await res.arrayBuffer();
          return { body: undefined, pages: 0 };
        }
        failure = `${method} ${url.pathname} answered ${res.status}: ${(await res.text()).slice(0, 300)}`;
      } catch (error) {
        failure = `${method} ${url.pathname} failed: ${(error as Error).message}`;
      }
      let wait: number;
      if (res?.status === 429) {
        // The host's limit is below our pace: it says how long to stay away; the bucket starts empty.
        this.throttled++;
        wait = retryAfterMs(res.headers.get('retry-after')) ?? 1000;
        this.bucket.sync(0);
      } else if (!res || res.status >= 500) {
        this.failures++;
        wait = Math.min(BACKOFF_MAX_MS, 250 * 2 ** (this.failures - 1));
      } else throw new WooStockError(failure);
      this.notBefore = Date.now() + wait;
      if (wait > WAIT_HERE_MS || Date.now() + wait > until)
        throw new WooStockError(`${failure} (resting ${Math.ceil(wait / 1000)} s)`);
    }
  }
}

const itemOf = (f: { id: number; parent_id?: number | undefined; type?: string | undefined }): WooItem =>
  f.type === 'variation' && f.parent_id
    ? { product: f.parent_id, variation: f.id }
    : { product: f.id, variation: null };

/**
 * WooCommerce channels' stock API from their account: the site's URL, `consumerKey` and
 * `consumerSecret` (Basic auth over HTTPS), at the stock policy's `requestsPerSecond`, over the
 * channels' guarded fetch (WEBHOOK_ALLOWED_HOSTS).
 */
export const wooStockAdapter: StockAdapter = (channel, { db, clients }) => {
  if (!channel.api_url || !channel.credentials_enc) return undefined;
  const c = clients.secrets.open<Record<string, string>>(channel.id, channel.credentials_enc);
  if (!c.consumerKey || !c.consumerSecret) return undefined;
  return new WooStock(
    channel.api_url,
    { consumerKey: c.consumerKey, consumerSecret: c.consumerSecret },
    (skus) => findChannelNamesOf(db, channel.id, skus),
    clients.fetch,
    channel.stock_policy.requestsPerSecond,
  );
};
