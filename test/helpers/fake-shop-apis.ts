import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll } from 'vitest';
import { TokenBucket } from '../../src/modules/channels/token-bucket.js';

type Json = Record<string, unknown>;
/** A WooCommerce product or variation as the fake keeps it (REST v3 field names). */
export interface WooProduct {
  id: number;
  parent_id: number;
  sku: string;
  type: 'simple' | 'variable' | 'variation';
  manage_stock: boolean;
  stock_quantity: number | null;
  /** Gone from the site (deleted): answered as an invalid id. */
  deleted?: boolean;
}
type LineItem = { id: number; variant_id?: number | null; quantity: number };

/**
 * Fake Shopify REST Admin and WooCommerce REST v3 orders, on loopback, in their wire formats.
 * Listings: Shopify pages by a `Link: <…page_info=…>; rel="next"` cursor and reports
 * `X-Shopify-Shop-Api-Call-Limit`; WooCommerce pages by `page` with `X-WP-TotalPages`. Writes back:
 * Shopify's fulfillment orders, `POST fulfillments.json` (with tracking_info) and order cancel;
 * WooCommerce's order read/update (status, meta_data) and order notes. Each can be told to answer
 * the next calls with a 429 (Retry-After) or a 5xx, or a share of all calls (`faultRate`), as the
 * real ones do under load.
 */
export class FakeShopApi {
  readonly orders = new Map<string, Json>();
  /** Statuses to answer the next requests with, in turn, before answering properly. */
  readonly failNext: number[] = [];
  /** Share of calls answered 429 or 503 at random (fault tests). */
  faultRate = 0;
  /** Share of calls whose connection is cut without an answer (the caller sees a network error). */
  dropRate = 0;
  /** Listing pages come with their orders shuffled (their order within a page is not a promise). */
  shufflePages = false;
  /** Shopify fulfillments made, by order id, as Shopify keeps them. */
  readonly fulfillments = new Map<string, Json[]>();
  /** WooCommerce order notes added, by order id. */
  readonly notes = new Map<string, Json[]>();
  /** Write calls per kind (`fulfillment`, `cancel`, `note`, `update`), for exactly-once checks. */
  readonly writes: Record<string, number> = {};
  requests = 0;
  /** Every request as it came: when, what, and the status a failure was answered with (else 0). */
  readonly log: Array<{ at: number; method: string; path: string; failed: number }> = [];
  /** WooCommerce products and variations by id (stock push). */
  readonly products = new Map<number, WooProduct>();
  /** Every stock_quantity set per product / variation id, in the order the site saved them. */
  readonly stockHistory = new Map<number, number[]>();
  /** Items to refuse in batch updates, by id: the per-item error WooCommerce would answer. */
  readonly refuseItems = new Map<number, { code: string; message: string }>();
  /** Stock calls: batch requests, items updated, product look-ups, 429s answered by the rate limit. */
  readonly stockCalls = { batches: 0, items: 0, lookups: 0, throttled: 0 };
  /** The host's request limit (WooCommerce has none; hosts do): beyond it, 429 with Retry-After. */
  #limit: { bucket: TokenBucket; retryAfter: number } | undefined;
  /** Retry-After (seconds) of the 429s `failNext` asks for. */
  retryAfter = '0.2';
  #nextProductId = 100;
  #server: http.Server | undefined;
  #url = '';

  constructor(
    readonly kind: 'shopify' | 'woocommerce',
    readonly credential: string,
  ) {}

  get url(): string {
    return this.#url;
  }

  async start(): Promise<this> {
    this.#server = http.createServer((req, res) => this.#answer(req, res));
    await new Promise<void>((r) => this.#server!.listen(0, '127.0.0.1', r));
    this.#url = `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.#server?.closeAllConnections();
    await new Promise((r) => this.#server?.close(r));
  }

  #shuffled<T>(page: T[]): T[] {
    if (!this.shufflePages) return page;
    const out = [...page];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  }

  /** Limits requests as a host would: `perSecond`, `burst` at once; beyond, a 429 with Retry-After. */
  limitRate(perSecond: number, burst: number, retryAfterSeconds = 1): void {
    this.#limit = { bucket: new TokenBucket(perSecond, burst), retryAfter: retryAfterSeconds };
  }

  /** A simple product with this SKU (stock managed, `stock` units); its id. */
  addProduct(sku: string, stock = 0): number {
    const id = this.#nextProductId++;
    this.products.set(id, {
      id,
      parent_id: 0,
      sku,
      type: 'simple',
      manage_stock: true,
      stock_quantity: stock,
    });
    return id;
  }

  /** A variable product with a variation per SKU; the variations' ids, in order. */
  addVariable(
    parentSku: string,
    skus: readonly string[],
    stock = 0,
  ): { parent: number; variations: number[] } {
    const parent = this.#nextProductId++;
    this.products.set(parent, {
      id: parent,
      parent_id: 0,
      sku: parentSku,
      type: 'variable',
      manage_stock: false,
      stock_quantity: null,
    });
    const variations = skus.map((sku) => {
      const id = this.#nextProductId++;
      this.products.set(id, {
        id,
        parent_id: parent,
        sku,
        type: 'variation',
        manage_stock: true,
        stock_quantity: stock,
      });
      return id;
    });
    return { parent, variations };
  }

  /** The stock of the product or variation with this SKU. */
  stockOf(sku: string): number | null | undefined {
    return [...this.products.values()].find((p) => p.sku === sku && !p.deleted)?.stock_quantity;
  }

  /** An order by its id (tests key `orders` as they like). */
  order(id: string): Json | undefined {
    return [...this.orders.values()].find((o) => String(o.id) === id);
  }

  #answer(req: http.IncomingMessage, res: http.ServerResponse) {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => this.#route(req, res, Buffer.concat(chunks).toString()));
  }

  #route(req: http.IncomingMessage, res: http.ServerResponse, text: string) {
    this.requests++;
    if (this.dropRate > 0 && Math.random() < this.dropRate) return void req.socket.destroy();
    const url = new URL(req.url ?? '/', this.#url);
    const random =
      this.faultRate > 0 && Math.random() < this.faultRate ? (Math.random() < 0.5 ? 429 : 503) : undefined;
    const limited = this.#limit && !this.#limit.bucket.tryTake() ? 429 : undefined;
    if (limited) this.stockCalls.throttled++;
    const failure = limited ?? this.failNext.shift() ?? random;
    this.log.push({ at: Date.now(), method: req.method ?? 'GET', path: url.pathname, failed: failure ?? 0 });
    if (failure) {
      const retryAfter = limited ? String(this.#limit!.retryAfter) : this.retryAfter;
      res.writeHead(failure, failure === 429 ? { 'retry-after': retryAfter } : {});
      return res.end(
        JSON.stringify({
          errors:
            failure === 429
              ? 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.'
              : 'Internal error',
        }),
      );
    }
    let body: Json = {};
    try {
      body = text ? (JSON.parse(text) as Json) : {};
    } catch {
      return send(res, 400, { errors: 'Invalid JSON' });
    }
    if (this.kind === 'shopify') return this.#shopify(req, url, res, body);
    return this.#woo(req, url, res, body);
  }

  #shopify(req: http.IncomingMessage, url: URL, res: http.ServerResponse, body: Json) {
    if (req.headers['x-shopify-access-token'] !== this.credential) {
      res.writeHead(401);
      return res.end(
        '{"errors":"[API] Invalid API key or access token (unrecognized login or wrong password)"}',
      );
    }
    const path = url.pathname.replace(/^\/admin\/api\/[\d-]+\//, '');
    if (path === 'orders/count.json') return this.#shopifyCount(url, res);
    if (path !== 'orders.json') return this.#shopifyWrite(req.method ?? 'GET', path, res, body);
    if (!/^\/admin\/api\/[\d-]+\/orders\.json$/.test(url.pathname)) {
      res.writeHead(404);
      return res.end('{"errors":"Not Found"}');
    }
    // page_info carries the filter and the offset; Shopify refuses other filters beside it
    const cursor = url.searchParams.get('page_info');
    const { min, offset } = cursor
      ? (JSON.parse(Buffer.from(cursor, 'base64url').toString()) as { min: string; offset: number })
      : { min: url.searchParams.get('updated_at_min') ?? '1970-01-01T00:00:00Z', offset: 0 };
    const limit = Number(url.searchParams.get('limit') ?? 50);
    const all = [...this.orders.values()]
      .filter((o) => Date.parse(o.updated_at as string) >= Date.parse(min))
      .sort((a, b) => Date.parse(a.updated_at as string) - Date.parse(b.updated_at as string));
    const page = all.slice(offset, offset + limit);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-shopify-shop-api-call-limit': '1/40',
    };
    if (offset + limit < all.length) {
      const next = Buffer.from(JSON.stringify({ min, offset: offset + limit })).toString('base64url');
      headers.link = `<${this.#url}${url.pathname}?limit=${limit}&page_info=${next}>; rel="next"`;
    }
    res.writeHead(200, headers);
    res.end(JSON.stringify({ orders: this.#shuffled(page) }));
  }

  /** Fulfillment orders as Shopify derives them: one per order, its line items less what was fulfilled. */
  #fulfillmentOrder(order: Json) {
    const done = new Map<number, number>();
    for (const f of this.fulfillments.get(String(order.id)) ?? [])
      for (const li of f.line_items as LineItem[]) done.set(li.id, (done.get(li.id) ?? 0) + li.quantity);
    const items = (order.line_items as LineItem[]).map((li) => ({
      id: li.id + 1,
      line_item_id: li.id,
      variant_id: li.variant_id ?? null,
      quantity: li.quantity,
      fulfillable_quantity: li.quantity - (done.get(li.id) ?? 0),
    }));
    const open = !order.cancelled_at && items.some((i) => i.fulfillable_quantity > 0);
    return {
      id: Number(order.id) * 10 + 1,
      order_id: order.id,
      status: open ? 'open' : 'closed',
      line_items: items,
    };
  }

  /** `orders/count.json`: orders created between created_at_min and created_at_max, both included. */
  #shopifyCount(url: URL, res: http.ServerResponse) {
    const min = Date.parse(url.searchParams.get('created_at_min') ?? '1970-01-01T00:00:00Z');
    const max = Date.parse(url.searchParams.get('created_at_max') ?? '9999-01-01T00:00:00Z');
    const count = [...this.orders.values()].filter((o) => {
      const at = Date.parse(o.created_at as string);
      return at >= min && at <= max;
    }).length;
    return send(res, 200, { count });
  }

  #shopifyWrite(method: string, path: string, res: http.ServerResponse, body: Json) {
    const m = /^orders\/(\d+)(\.json|\/fulfillments\.json|\/fulfillment_orders\.json|\/cancel\.json)$/.exec(
      path,
    );
    const order = m ? this.order(m[1]!) : undefined;
    if (m && !order) return send(res, 404, { errors: 'Not Found' });
    const touch = () => {
      order!.updated_at = new Date().toISOString();
    };
    if (method === 'GET' && m?.[2] === '.json') return send(res, 200, { order });
    if (method === 'GET' && m?.[2] === '/fulfillments.json')
      return send(res, 200, { fulfillments: this.fulfillments.get(m[1]!) ?? [] });
    if (method === 'GET' && m?.[2] === '/fulfillment_orders.json')
      return send(res, 200, { fulfillment_orders: [this.#fulfillmentOrder(order!)] });
    if (method === 'POST' && m?.[2] === '/cancel.json') {
      if (order!.cancelled_at)
        return send(res, 422, {
          errors: { base: ['Cannot cancel an order that has already been cancelled'] },
        });
      this.writes.cancel = (this.writes.cancel ?? 0) + 1;
      order!.cancelled_at = new Date().toISOString();
      touch();
      return send(res, 200, { order });
    }
    if (method === 'POST' && path === 'fulfillments.json') {
      const f = body.fulfillment as
        | {
            line_items_by_fulfillment_order?: Array<{
              fulfillment_order_id: number;
              fulfillment_order_line_items?: Array<{ id: number; quantity: number }>;
            }>;
            tracking_info?: { number?: string; company?: string };
          }
        | undefined;
      const groups = f?.line_items_by_fulfillment_order ?? [];
      const target = this.order(String(Math.floor((groups[0]?.fulfillment_order_id ?? 0) / 10)));
      if (!target || groups.length !== 1)
        return send(res, 422, { errors: ['Invalid fulfillment order line items'] });
      const fo = this.#fulfillmentOrder(target);
      if (fo.status !== 'open') return send(res, 422, { errors: ['Fulfillment order is not open'] });
      const wanted =
        groups[0]!.fulfillment_order_line_items ??
        fo.line_items.map((li) => ({ id: li.id, quantity: li.fulfillable_quantity }));
      const lines: LineItem[] = [];
      for (const w of wanted) {
        const li = fo.line_items.find((x) => x.id === w.id);
        if (!li || w.quantity < 1 || w.quantity > li.fulfillable_quantity)
          return send(res, 422, { errors: [`Invalid quantity for fulfillment order line item ${w.id}`] });
        if (w.quantity > 0) lines.push({ id: li.line_item_id, quantity: w.quantity });
      }
      this.writes.fulfillment = (this.writes.fulfillment ?? 0) + 1;
      const made = {
        id: Date.now() * 1000 + (this.writes.fulfillment ?? 0),
        order_id: target.id,
        status: 'success',
        tracking_company: f?.tracking_info?.company ?? null,
        tracking_number: f?.tracking_info?.number ?? null,
        tracking_numbers: f?.tracking_info?.number ? [f.tracking_info.number] : [],
        line_items: lines,
      };
      const key = String(target.id);
      this.fulfillments.set(key, [...(this.fulfillments.get(key) ?? []), made]);
      target.fulfillment_status =
        this.#fulfillmentOrder(target).status === 'closed' ? 'fulfilled' : 'partial';
      target.updated_at = new Date().toISOString();
      return send(res, 201, { fulfillment: made });
    }
    return send(res, 404, { errors: 'Not Found' });
  }

  #wooWrite(method: string, url: URL, res: http.ServerResponse, body: Json) {
    const m = /^\/wp-json\/wc\/v3\/orders\/(\d+)(\/notes)?$/.exec(url.pathname);
    const order = m ? this.order(m[1]!) : undefined;
    if (!m || !order)
      return send(res, 404, {
        code: 'woocommerce_rest_shop_order_invalid_id',
        message: 'Invalid ID.',
        data: { status: 404 },
      });
    if (method === 'GET' && !m[2]) return send(res, 200, order);
    if (method === 'POST' && m[2]) {
      this.writes.note = (this.writes.note ?? 0) + 1;
      const note = { id: this.writes.note, note: body.note, customer_note: body.customer_note === true };
      this.notes.set(m[1]!, [...(this.notes.get(m[1]!) ?? []), note]);
      return send(res, 201, note);
    }
    if (method === 'PUT' && !m[2]) {
      this.writes.update = (this.writes.update ?? 0) + 1;
      if (typeof body.status === 'string') order.status = body.status;
      const meta = [...((order.meta_data as Json[] | undefined) ?? [])];
      for (const given of (body.meta_data as Json[] | undefined) ?? []) {
        const at = meta.findIndex((x) => x.key === given.key);
        const row = { id: meta.length + 1, ...given };
        if (at >= 0) meta[at] = row;
        else meta.push(row);
      }
      order.meta_data = meta;
      order.date_modified_gmt = new Date().toISOString().slice(0, 19);
      return send(res, 200, order);
    }
    return send(res, 404, { code: 'rest_no_route', message: 'No route was found.', data: { status: 404 } });
  }

  /**
   * WooCommerce REST v3 products for stock: `GET products?sku=a,b` (products and variations whose SKU
   * is listed, paged), `GET products/{id}` (a variation too), `POST products/batch` and
   * `POST products/{id}/variations/batch` with `{update: [...]}`: at most 100 objects (else 413), each
   * answered in order, saved, or an `{id, error}` for one that failed (an id the route does not have:
   * `…_invalid_id`), the others saved all the same.
   */
  #wooProducts(method: string, url: URL, res: http.ServerResponse, body: Json) {
    const path = url.pathname.replace('/wp-json/wc/v3/', '');
    const live = (id: number) => {
      const p = this.products.get(id);
      return p && !p.deleted ? p : undefined;
    };
    const invalid = (variation: boolean, status: number) => ({
      code: variation
        ? 'woocommerce_rest_product_variation_invalid_id'
        : 'woocommerce_rest_product_invalid_id',
      message: 'Invalid ID.',
      data: { status },
    });
    if (method === 'GET' && path === 'products') {
      this.stockCalls.lookups++;
      const wanted = (url.searchParams.get('sku') ?? '').split(',');
      if (wanted.length > 1) wanted.push(url.searchParams.get('sku')!);
      const perPage = Number(url.searchParams.get('per_page') ?? 10);
      const page = Number(url.searchParams.get('page') ?? 1);
      const all = [...this.products.values()].filter(
        (p) => !p.deleted && (!url.searchParams.has('sku') || wanted.includes(p.sku)),
      );
      res.writeHead(200, {
        'content-type': 'application/json',
        'x-wp-total': String(all.length),
        'x-wp-totalpages': String(Math.max(1, Math.ceil(all.length / perPage))),
      });
      return res.end(JSON.stringify(all.slice((page - 1) * perPage, page * perPage).map(wooView)));
    }
    const one = /^products\/(\d+)$/.exec(path);
    if (method === 'GET' && one) {
      this.stockCalls.lookups++;
      const p = live(Number(one[1]));
      return p ? send(res, 200, wooView(p)) : send(res, 404, invalid(false, 404));
    }
    const batch = /^products(?:\/(\d+)\/variations)?\/batch$/.exec(path);
    if ((method === 'POST' || method === 'PUT' || method === 'PATCH') && batch) {
      const parent = batch[1] ? Number(batch[1]) : undefined;
      const update = Array.isArray(body.update) ? (body.update as Json[]) : [];
      const count = ['create', 'update', 'delete'].reduce(
        (n, k) => n + (Array.isArray(body[k]) ? (body[k] as unknown[]).length : 0),
        0,
      );
      if (count > 100)
        return send(res, 413, {
          code: 'woocommerce_rest_request_entity_too_large',
          message: 'Unable to accept more than 100 items for this request.',
          data: { status: 413 },
        });
      this.stockCalls.batches++;
      const answered = update.map((item) => {
        const id = Number(item.id);
        const p = live(id);
        const fits =
          p &&
          (parent === undefined ? p.type !== 'variation' : p.type === 'variation' && p.parent_id === parent);
        if (!fits) return { id: item.id, error: invalid(parent !== undefined, 400) };
        const refused = this.refuseItems.get(id);
        if (refused) return { id: item.id, error: { ...refused, data: { status: 400 } } };
        if (item.stock_quantity !== undefined) {
          if (!Number.isInteger(item.stock_quantity))
            return {
              id: item.id,
              error: {
                code: 'rest_invalid_param',
                message: 'Invalid parameter(s): stock_quantity',
                data: { status: 400 },
              },
            };
          p.stock_quantity = item.stock_quantity as number;
          this.stockHistory.set(id, [...(this.stockHistory.get(id) ?? []), p.stock_quantity]);
          this.stockCalls.items++;
        }
        if (typeof item.manage_stock === 'boolean') p.manage_stock = item.manage_stock;
        return wooView(p);
      });
      return send(res, 200, { update: answered });
    }
    return send(res, 404, {
      code: 'rest_no_route',
      message: 'No route was found matching the URL and request method.',
      data: { status: 404 },
    });
  }

  /**
   * WooCommerce's check of REST API keys over HTTPS: Basic auth with the consumer key and secret; an
   * unknown key or a wrong secret is a 401 saying which, no credentials at all a 401 refusal.
   */
  #wooAuthRefusal(req: http.IncomingMessage, write: boolean): Json | undefined {
    const [key, secret] = this.credential.split(':');
    const given = /^Basic (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const [k, s] = given ? Buffer.from(given, 'base64').toString().split(':') : [];
    if (given && k !== key)
      return {
        code: 'woocommerce_rest_authentication_error',
        message: 'Consumer key is invalid.',
        data: { status: 401 },
      };
    if (given && s !== secret)
      return {
        code: 'woocommerce_rest_authentication_error',
        message: 'Consumer secret is invalid.',
        data: { status: 401 },
      };
    if (!given)
      return write
        ? {
            code: 'woocommerce_rest_cannot_edit',
            message: 'Sorry, you are not allowed to edit this resource.',
            data: { status: 401 },
          }
        : {
            code: 'woocommerce_rest_cannot_view',
            message: 'Sorry, you cannot list resources.',
            data: { status: 401 },
          };
    return undefined;
  }

  #woo(req: http.IncomingMessage, url: URL, res: http.ServerResponse, body: Json) {
    const refusal = this.#wooAuthRefusal(req, req.method !== 'GET');
    if (refusal) return send(res, 401, refusal);
    if (url.pathname.startsWith('/wp-json/wc/v3/products'))
      return this.#wooProducts(req.method ?? 'GET', url, res, body);
    if (url.pathname !== '/wp-json/wc/v3/orders') return this.#wooWrite(req.method ?? 'GET', url, res, body);
    const after = `${url.searchParams.get('modified_after') ?? '1970-01-01T00:00:00'}Z`;
    const perPage = Number(url.searchParams.get('per_page') ?? 10);
    const pageNo = Number(url.searchParams.get('page') ?? 1);
    const createdAfter = Date.parse(`${url.searchParams.get('after') ?? '0001-01-01T00:00:00'}Z`);
    const createdBefore = Date.parse(`${url.searchParams.get('before') ?? '9999-01-01T00:00:00'}Z`);
    const ranged = url.searchParams.has('after') || url.searchParams.has('before');
    const all = [...this.orders.values()]
      .filter((o) => Date.parse(`${o.date_modified_gmt}Z`) > Date.parse(after))
      .filter((o) => {
        const at = Date.parse(`${o.date_created_gmt}Z`);
        return !ranged || (at > createdAfter && at < createdBefore);
      })
      .sort((a, b) => Date.parse(`${a.date_modified_gmt}Z`) - Date.parse(`${b.date_modified_gmt}Z`));
    res.writeHead(200, {
      'content-type': 'application/json',
      'x-wp-total': String(all.length),
      'x-wp-totalpages': String(Math.max(1, Math.ceil(all.length / perPage))),
    });
    res.end(JSON.stringify(this.#shuffled(all.slice((pageNo - 1) * perPage, pageNo * perPage))));
  }
}

/** A product or variation as REST v3 answers it (the fields stock sync reads, and a few more). */
function wooView(p: WooProduct): Json {
  const stock_status = !p.manage_stock || (p.stock_quantity ?? 0) > 0 ? 'instock' : 'outofstock';
  const common = {
    id: p.id,
    sku: p.sku,
    status: 'publish',
    manage_stock: p.manage_stock,
    stock_quantity: p.stock_quantity,
    stock_status,
    backorders: 'no',
    date_modified_gmt: new Date().toISOString().slice(0, 19),
  };
  return p.type === 'variation'
    ? { ...common, type: 'variation', parent_id: p.parent_id }
    : { ...common, name: `Product ${p.sku}`, slug: p.sku.toLowerCase(), type: p.type, parent_id: 0 };
}

function send(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

export interface DeliveryFaults {
  /** Share of deliveries never sent. */
  drop: number;
  /** Share sent twice (the same delivery id, as a retrying sender does), the second a while later. */
  duplicate: number;
  /** Share overtaken: moved behind one of the next `window` deliveries. */
  reorder: number;
  window?: number;
}

/** A small seeded generator (mulberry32): a fault test that fails fails the same way again. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The webhook deliveries a shop's unreliable sender makes of `deliveries` (in the order the events
 * happened): some dropped, some duplicated, some delivered out of order, with how many of each.
 */
export function deliverWithFaults<T>(deliveries: readonly T[], faults: DeliveryFaults, random: () => number) {
  const window = faults.window ?? 20;
  const sent: T[] = [];
  const counts = { events: deliveries.length, dropped: 0, duplicated: 0, reordered: 0 };
  const later: Array<{ at: number; item: T }> = [];
  for (const d of deliveries) {
    if (random() < faults.drop) {
      counts.dropped++;
      continue;
    }
    sent.push(d);
    if (random() < faults.duplicate) {
      counts.duplicated++;
      later.push({ at: sent.length + 1 + Math.floor(random() * window), item: d });
    }
  }
  for (const { at, item } of later.sort((a, b) => b.at - a.at))
    sent.splice(Math.min(at, sent.length), 0, item);
  for (let i = 0; i < sent.length - 1; i++) {
    if (random() >= faults.reorder) continue;
    const j = Math.min(sent.length - 1, i + 1 + Math.floor(random() * window));
    const [moved] = sent.splice(i, 1);
    sent.splice(j, 0, moved!);
    counts.reordered++;
  }
  return { sent, counts };
}

/** A fake Shopify and a fake WooCommerce for the tests of a describe block, started before and stopped after. */
export function useFakeShops(shopifyToken: string, wooKeyAndSecret: string) {
  const shops = {
    shopify: new FakeShopApi('shopify', shopifyToken),
    woo: new FakeShopApi('woocommerce', wooKeyAndSecret),
  };
  beforeAll(async () => {
    await shops.shopify.start();
    await shops.woo.start();
  });
  afterAll(async () => {
    await shops.shopify.stop();
    await shops.woo.stop();
  });
  return shops;
}
