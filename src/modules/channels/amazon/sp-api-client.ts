import { gunzipSync } from 'node:zlib';
import type { Static, TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { TokenBucket } from '../token-bucket.js';
import { type LwaCredentials, LwaTokens } from './lwa-token.js';
import {
  CreateFeedDocumentResponse,
  CreateFeedResponse,
  type CreateFeedSpecification,
  FEEDS_PATH,
  GetFeedDocumentResponse,
  GetFeedResponse,
} from './sp-api-feeds.schemas.js';
import {
  type ConfirmShipmentRequest,
  GetOrderItemsResponse,
  GetOrdersResponse,
  type SpOrder,
  type SpOrderItem,
} from './sp-api-orders.schemas.js';

/** Amazon's published usage plans for the operations we call (requests per second, burst). */
export const SP_API_LIMITS = {
  getOrders: { rate: 0.0167, burst: 20 },
  getOrderItems: { rate: 0.5, burst: 30 },
  confirmShipment: { rate: 2, burst: 10 },
  createFeedDocument: { rate: 0.5, burst: 15 },
  createFeed: { rate: 0.0083, burst: 15 },
  getFeed: { rate: 2, burst: 15 },
  getFeedDocument: { rate: 0.0222, burst: 10 },
} as const;
export type SpOperation = keyof typeof SP_API_LIMITS;
/** Usage plans to pace by; an operation not named keeps Amazon's published one. */
export type SpLimits = Partial<Record<SpOperation, { rate: number; burst: number }>>;

export interface SpApiSettings extends LwaCredentials {
  /** Regional endpoint, e.g. https://sellingpartnerapi-na.amazon.com */
  endpoint: string;
  marketplaceId: string;
  tokenUrl?: string;
  limits?: SpLimits;
  /** Outbound guard: hosts this client may call besides Amazon's own (tests: the loopback fake). */
  allowHost?: (host: string) => boolean;
  fetchFn?: typeof fetch;
  /** Attempts per call on 429/5xx/network errors before giving up. */
  attempts?: number;
  /**
   * The longest Retry-After waited out inside a call (default 10 s). A longer one (createFeed's is
   * about two minutes) fails the call at once: the caller's next round tries again, so a throttled
   * feed never holds up the scheduler's other jobs.
   */
  longestWaitMs?: number;
}

/** What a client saw of the other side, for the channel's health. */
export interface SpApiStats {
  calls: number;
  throttled: number;
  failures: number;
}

export class SpApiError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = 'SpApiError';
  }
}

/** Amazon's own hosts, and S3's where feed documents are uploaded to pre-signed URLs. */
const AMAZON_HOST = /(^|\.)amazon\.com$|(^|\.)amazon\.co\.uk$|(^|\.)amazon\.co\.jp$|\.amazonaws\.com$/;

/**
 * A small Selling Partner API client for Orders v0: LWA access tokens, one token bucket per operation
 * (so in steady state it never meets Amazon's 429), and retries with Retry-After when it does anyway
 * (another client of the same seller shares the quota).
 */
export class SpApiClient {
  readonly stats: SpApiStats = { calls: 0, throttled: 0, failures: 0 };
  private readonly buckets: Record<SpOperation, TokenBucket>;
  private readonly tokens: LwaTokens;
  private readonly fetchFn: typeof fetch;
  /** The usage plans this client paces by (Amazon's, or a test's scaled ones). */
  readonly limits: Record<SpOperation, { rate: number; burst: number }>;

  constructor(private readonly settings: SpApiSettings) {
    const limits = { ...SP_API_LIMITS, ...settings.limits };
    // 10 % under Amazon's rate and one token short of its burst: requests reach Amazon with jitter
    // (a first request that opened its connection arrives late, the next early), and one that lands
    // early on Amazon's clock would meet an empty bucket.
    const bucket = (op: SpOperation) =>
      new TokenBucket(limits[op].rate * 0.9, Math.max(1, limits[op].burst - 1));
    this.buckets = {
      getOrders: bucket('getOrders'),
      getOrderItems: bucket('getOrderItems'),
      confirmShipment: bucket('confirmShipment'),
      createFeedDocument: bucket('createFeedDocument'),
      createFeed: bucket('createFeed'),
      getFeed: bucket('getFeed'),
      getFeedDocument: bucket('getFeedDocument'),
    };
    this.limits = limits;
    this.fetchFn = settings.fetchFn ?? fetch;
    const tokenUrl = settings.tokenUrl ?? 'https://api.amazon.com/auth/o2/token';
    this.checkHost(settings.endpoint);
    this.checkHost(tokenUrl);
    this.tokens = new LwaTokens(settings, tokenUrl, this.fetchFn);
  }

  /** The marketplace the client reads and confirms in (the seller's account's). */
  get marketplaceId(): string {
    return this.settings.marketplaceId;
  }

  /** One page of getOrders: orders updated after `lastUpdatedAfter`, or the page `nextToken` names. */
  async getOrdersPage(
    query: { lastUpdatedAfter: string; lastUpdatedBefore?: string } | { nextToken: string },
  ): Promise<GetOrdersResponse['payload']> {
    const params = new URLSearchParams({ MarketplaceIds: this.settings.marketplaceId });
    if ('nextToken' in query) params.set('NextToken', query.nextToken);
    else {
      params.set('LastUpdatedAfter', query.lastUpdatedAfter);
      if (query.lastUpdatedBefore) params.set('LastUpdatedBefore', query.lastUpdatedBefore);
    }
    const body = await this.call('getOrders', 'GET', `/orders/v0/orders?${params}`, GetOrdersResponse);
    return body.payload;
  }

  /** Every item of an order, following NextToken. */
  async getOrderItems(amazonOrderId: string): Promise<SpOrderItem[]> {
    const items: SpOrderItem[] = [];
    let nextToken: string | undefined;
    do {
      const qs = nextToken ? `?${new URLSearchParams({ NextToken: nextToken })}` : '';
      const path = `/orders/v0/orders/${encodeURIComponent(amazonOrderId)}/orderItems${qs}`;
      const body = await this.call('getOrderItems', 'GET', path, GetOrderItemsResponse);
      items.push(...body.payload.OrderItems);
      nextToken = body.payload.NextToken;
    } while (nextToken);
    return items;
  }

  /** Tells Amazon an order (or part of it) shipped, with its tracking number. Amazon answers 204. */
  async confirmShipment(amazonOrderId: string, request: ConfirmShipmentRequest): Promise<void> {
    const path = `/orders/v0/orders/${encodeURIComponent(amazonOrderId)}/shipmentConfirmation`;
    await this.call('confirmShipment', 'POST', path, undefined, request);
  }

  /**
   * Submits a feed: createFeedDocument, the content PUT to the pre-signed URL Amazon answered with,
   * then createFeed naming the document. Returns the feed's id (Amazon processes it afterwards).
   */
  async submitFeed(
    feedType: string,
    contentType: string,
    content: string,
    feedOptions?: CreateFeedSpecification['feedOptions'],
  ): Promise<{ feedId: string; feedDocumentId: string }> {
    const document = await this.call(
      'createFeedDocument',
      'POST',
      `${FEEDS_PATH}/documents`,
      CreateFeedDocumentResponse,
      { contentType },
    );
    await this.upload(document.url, contentType, content);
    const spec: CreateFeedSpecification = {
      feedType,
      marketplaceIds: [this.settings.marketplaceId],
      inputFeedDocumentId: document.feedDocumentId,
      ...(feedOptions ? { feedOptions } : {}),
    };
    const feed = await this.call('createFeed', 'POST', `${FEEDS_PATH}/feeds`, CreateFeedResponse, spec);
    return { feedId: feed.feedId, feedDocumentId: document.feedDocumentId };
  }

  /** Whether a call of `operation` would go now, without waiting for its bucket. */
  ready(operation: SpOperation): boolean {
    return this.buckets[operation].waitFor() === 0;
  }

  /** A feed's processing status, and its report's document once processed. */
  async getFeed(feedId: string): Promise<GetFeedResponse> {
    return this.call('getFeed', 'GET', `${FEEDS_PATH}/feeds/${encodeURIComponent(feedId)}`, GetFeedResponse);
  }

  /** A feed document (a processing report) read whole: getFeedDocument, then GET of its URL, un-gzipped. */
  async readFeedDocument(feedDocumentId: string): Promise<string> {
    const document = await this.call(
      'getFeedDocument',
      'GET',
      `${FEEDS_PATH}/documents/${encodeURIComponent(feedDocumentId)}`,
      GetFeedDocumentResponse,
    );
    this.checkHost(document.url);
    const attempts = this.settings.attempts ?? 5;
    let lastError: SpApiError | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      let res: Response;
      try {
        res = await this.fetchFn(document.url, { redirect: 'manual', signal: AbortSignal.timeout(30_000) });
      } catch (error) {
        this.stats.failures++;
        lastError = new SpApiError(`feed document download: ${(error as Error).message}`, null);
        await backoff(attempt);
        continue;
      }
      const body = Buffer.from(await res.arrayBuffer());
      if (res.ok)
        return (document.compressionAlgorithm === 'GZIP' ? gunzipSync(body) : body).toString('utf8');
      this.stats.failures++;
      lastError = new SpApiError(`feed document download: HTTP ${res.status}`, res.status);
      // an expired URL (403) is not retried: the next round asks getFeedDocument for a new one
      if (res.status < 500) throw lastError;
      await backoff(attempt);
    }
    throw lastError ?? new SpApiError('feed document download failed', null);
  }

  /** The PUT of a feed document to its pre-signed URL: no access token, the content type as declared. */
  private async upload(url: string, contentType: string, content: string): Promise<void> {
    this.checkHost(url);
    const attempts = this.settings.attempts ?? 5;
    let lastError: SpApiError | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      let res: Response;
      try {
        res = await this.fetchFn(url, {
          method: 'PUT',
          headers: { 'content-type': contentType },
          body: content,
          redirect: 'manual',
          signal: AbortSignal.timeout(30_000),
        });
      } catch (error) {
        this.stats.failures++;
        lastError = new SpApiError(`feed document upload: ${(error as Error).message}`, null);
        await backoff(attempt);
        continue;
      }
      await res.arrayBuffer();
      if (res.ok) return;
      this.stats.failures++;
      lastError = new SpApiError(`feed document upload: HTTP ${res.status}`, res.status);
      // a pre-signed URL refusing the content (403: expired, 400: wrong type) will not take it later
      if (res.status < 500) throw lastError;
      await backoff(attempt);
    }
    throw lastError ?? new SpApiError('feed document upload failed', null);
  }

  private async call<S extends TSchema>(
    operation: SpOperation,
    method: 'GET' | 'POST',
    path: string,
    schema: S | undefined,
    body?: unknown,
  ): Promise<Static<S>> {
    const attempts = this.settings.attempts ?? 5;
    let lastError: SpApiError | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      // A refused refresh token is not retried: it will not get better (the operator fixes it).
      const accessToken = await this.tokens.accessToken();
      // The bucket's token is taken right before sending: a wait for LWA must not count as spent.
      await this.buckets[operation].take();
      this.stats.calls++;
      let res: Response;
      try {
        res = await this.fetchFn(new URL(path, this.settings.endpoint), {
          method,
          headers: {
            'x-amz-access-token': accessToken,
            accept: 'application/json',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          body: body === undefined ? undefined : JSON.stringify(body),
          redirect: 'manual',
          signal: AbortSignal.timeout(30_000),
        });
      } catch (error) {
        this.stats.failures++;
        lastError = new SpApiError(`SP-API ${operation}: ${(error as Error).message}`, null);
        await backoff(attempt);
        continue;
      }
      if (res.status === 429) {
        this.stats.throttled++;
        await res.arrayBuffer();
        const retryAfter = Number(res.headers.get('retry-after'));
        lastError = new SpApiError(`SP-API ${operation}: QuotaExceeded`, 429);
        // Our bucket ran ahead of Amazon's (a second client, a restart): empty it and wait.
        this.buckets[operation].sync(0);
        const waitMs = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 0;
        if (waitMs > (this.settings.longestWaitMs ?? 10_000)) throw lastError;
        await sleep(waitMs);
        continue;
      }
      if (res.status === 403) this.tokens.invalidate();
      if (res.status >= 500 || res.status === 403) {
        this.stats.failures++;
        await res.arrayBuffer();
        lastError = new SpApiError(`SP-API ${operation}: HTTP ${res.status}`, res.status);
        await backoff(attempt);
        continue;
      }
      const text = await res.text();
      if (!res.ok) {
        this.stats.failures++;
        throw new SpApiError(`SP-API ${operation}: HTTP ${res.status} ${errorCode(text)}`, res.status);
      }
      if (!schema) return undefined as never;
      const parsed: unknown = text ? safeJson(text) : undefined;
      if (!Value.Check(schema, parsed)) {
        this.stats.failures++;
        throw new SpApiError(
          `SP-API ${operation}: the answer is not an Orders v0 ${operation} response`,
          res.status,
        );
      }
      return parsed as never;
    }
    throw lastError ?? new SpApiError(`SP-API ${operation} failed`, null);
  }

  private checkHost(url: string): void {
    const host = new URL(url).hostname;
    if (!AMAZON_HOST.test(host) && !(this.settings.allowHost?.(host) ?? false))
      throw new SpApiError(`${host} is not an Amazon host nor an allowed one`, null);
  }
}

export type { SpOrder, SpOrderItem };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const backoff = (attempt: number) =>
  sleep(Math.min(10_000, 100 * 2 ** attempt) * (0.8 + Math.random() * 0.4));
const safeJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};
const errorCode = (text: string): string => {
  const parsed = safeJson(text) as { errors?: { code?: string }[] } | undefined;
  return parsed?.errors?.[0]?.code ?? '';
};
