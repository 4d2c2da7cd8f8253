import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { Value } from 'typebox/value';
import { AMAZON_CANCEL_REASONS } from '../../src/modules/channels/amazon/order-cancellation-feed.js';
import { SP_API_LIMITS, type SpLimits } from '../../src/modules/channels/amazon/sp-api-client.js';
import {
  CreateFeedDocumentSpecification,
  CreateFeedSpecification,
  FEEDS_PATH,
  type FeedProcessingStatus,
  JSON_LISTINGS_FEED,
  ORDER_ACKNOWLEDGEMENT_FEED,
} from '../../src/modules/channels/amazon/sp-api-feeds.schemas.js';
import {
  ConfirmShipmentRequest,
  type SpOrder,
  type SpOrderItem,
} from '../../src/modules/channels/amazon/sp-api-orders.schemas.js';
import { escapeXml, xmlAll, xmlTag } from '../../src/modules/channels/amazon/xml-text.js';
import { TokenBucket } from '../../src/modules/channels/token-bucket.js';

/**
 * A fake Selling Partner API (Orders v0) and Login with Amazon, speaking their wire format: LWA's
 * refresh-token grant, `x-amz-access-token`, getOrders by LastUpdatedAfter with NextToken pages
 * computed when each page is asked for (Amazon's results are not snapshots: an order updated while a
 * caller pages moves to the end), getOrderItems, confirmShipment (204), per-operation token buckets
 * answering 429 `QuotaExceeded` with `x-amzn-RateLimit-Limit` and `Retry-After`, and injected faults.
 * Feeds 2021-06-30 too: createFeedDocument answers a pre-signed URL the content is PUT to (with the
 * declared content type, as S3 checks it), createFeed (202) queues the feed and processes it
 * `processingMs` later (getFeed: IN_QUEUE, IN_PROGRESS, then DONE or FATAL with a
 * resultFeedDocumentId), getFeedDocument answers a pre-signed GET of the processing report (GZIP,
 * as Amazon's usually are). POST_ORDER_ACKNOWLEDGEMENT_DATA: a StatusCode Failure acknowledgement
 * cancels the order (a new LastUpdateDate), the report an XML ProcessingReport with a Result per
 * message in error. JSON_LISTINGS_FEED: PATCH messages of `/attributes/fulfillment_availability`
 * set a seller SKU's quantity, the report JSON (`summary`, `issues[]` by messageId).
 */
export interface FakeFeed {
  feedId: string;
  feedType: string;
  marketplaceIds: string[];
  contentType: string;
  content: string;
  processingStatus: FeedProcessingStatus;
  createdTime: string;
  resultFeedDocumentId?: string;
  acknowledgements: Array<{
    messageId: number;
    amazonOrderId: string;
    merchantOrderId?: string;
    statusCode: string;
    items: Array<{ orderItemId: string; cancelReason?: string }>;
  }>;
  /** What Amazon's processing report lists, per message in error. */
  errors: Array<{ messageId: number; message: string }>;
  /** JSON_LISTINGS_FEED: the quantities it set, per message applied. */
  listings: Array<{ messageId: number; sku: string; quantity: number }>;
}

/** An error the fake's processing gives one message (a test's injected refusal). */
export type InjectedMessageError = (m: {
  feedType: string;
  amazonOrderId?: string;
  sku?: string;
}) => { code: string; message: string } | undefined;

export interface FakeAmazon {
  url: string;
  tokenUrl: string;
  credentials: { clientId: string; clientSecret: string; refreshToken: string };
  marketplaceId: string;
  /** Adds or replaces an order (a new LastUpdateDate is a new version). */
  put(order: SpOrder, items: SpOrderItem[]): void;
  /** Calls received per operation, and how many were answered 429. */
  calls: Record<string, number>;
  throttled: Record<string, number>;
  confirmations: Array<{ amazonOrderId: string; body: ConfirmShipmentRequest }>;
  /** Feeds created, in order, with what processing them did. */
  feeds: FakeFeed[];
  /** The current version of an order, as getOrders would answer it. */
  order(amazonOrderId: string): SpOrder | undefined;
  /** createFeed answers 400 InvalidInput while set (a refusal no retry gets past). */
  refuseFeeds: boolean;
  /** The next this many feeds end FATAL, nothing of them applied. */
  fatalNext: number;
  /** Per-message errors to give (Amazon refusing that order or SKU); the rest of the feed applies. */
  messageError?: InjectedMessageError;
  /** A seller SKU's quantity (fulfillment_availability DEFAULT), and every quantity it was set to. */
  quantity(sellerSku: string): number | undefined;
  quantityHistory: Map<string, number[]>;
  /** Fraction of API calls answered with a 5xx or 429 regardless of quota (fault tests). */
  faultRate: number;
  /** Called before each getOrders page is computed (a test updates orders "while paging"). */
  beforePage?: (page: number) => void;
  close(): Promise<void>;
}

const QUOTA_EXCEEDED = {
  errors: [
    { code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.', details: '' },
  ],
};
const spError = (code: string, message: string) => ({ errors: [{ code, message, details: '' }] });

export async function startFakeAmazon(
  options: {
    limits?: SpLimits;
    pageSize?: number;
    marketplaceId?: string;
    /** How long a feed is IN_QUEUE / IN_PROGRESS before it is processed (Amazon: minutes). */
    processingMs?: number;
  } = {},
): Promise<FakeAmazon> {
  const limits = { ...SP_API_LIMITS, ...options.limits };
  const buckets = Object.fromEntries(
    Object.entries(limits).map(([op, l]) => [op, new TokenBucket(l.rate, l.burst)]),
  ) as Record<keyof typeof SP_API_LIMITS, TokenBucket>;
  const pageSize = options.pageSize ?? 100;
  const marketplaceId = options.marketplaceId ?? 'ATVPDKIKX0DER';
  const credentials = {
    clientId: 'amzn1.application-oa2-client.fake',
    clientSecret: 'fake-secret',
    refreshToken: `Atzr|${randomUUID()}`,
  };
  const accessTokens = new Set<string>();
  const orders = new Map<string, { order: SpOrder; items: SpOrderItem[] }>();
  let pagesServed = 0;
  const documents = new Map<
    string,
    { contentType: string; content?: string | Buffer; gzip?: boolean; result?: boolean }
  >();
  const quantities = new Map<string, number>();
  const processingMs = options.processingMs ?? 20;

  const fake: FakeAmazon = {
    url: '',
    tokenUrl: '',
    credentials,
    marketplaceId,
    put(order, items) {
      orders.set(order.AmazonOrderId, { order: structuredClone(order), items: structuredClone(items) });
    },
    calls: {},
    throttled: {},
    confirmations: [],
    feeds: [],
    order: (id) => orders.get(id)?.order,
    refuseFeeds: false,
    fatalNext: 0,
    quantity: (sku) => quantities.get(sku),
    quantityHistory: new Map(),
    faultRate: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };

  const send = (
    res: http.ServerResponse,
    status: number,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, {
      'x-amzn-RequestId': randomUUID(),
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    });
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };

  /**
   * getOrders: orders with after < LastUpdateDate ≤ before, oldest first. The first call fixes
   * `before` (LastUpdatedBefore, default two minutes ago, as Amazon does) and the NextToken carries it
   * with the last (LastUpdateDate, id) returned, so pages never overlap; an order updated while a
   * caller pages leaves the range (its new LastUpdateDate is past `before`), found by a later poll.
   */
  function getOrders(query: URLSearchParams) {
    if (!query.get('MarketplaceIds')?.split(',').includes(marketplaceId))
      return [400, spError('InvalidInput', 'Invalid Input: MarketplaceIds')] as const;
    let cursor: { after: number; before: number; lastAt: number; lastId: string };
    const token = query.get('NextToken');
    if (token) {
      try {
        cursor = JSON.parse(Buffer.from(token, 'base64url').toString());
        if (typeof cursor.after !== 'number') throw new Error('bad token');
      } catch {
        return [400, spError('InvalidInput', 'Invalid Input: NextToken')] as const;
      }
    } else {
      const after = Date.parse(query.get('LastUpdatedAfter') ?? '');
      const given = query.get('LastUpdatedBefore');
      const before = given ? Date.parse(given) : Date.now() - 120_000;
      if (Number.isNaN(after) || Number.isNaN(before) || before > Date.now() - 120_000)
        return [400, spError('InvalidInput', 'Invalid Input: LastUpdatedAfter/LastUpdatedBefore')] as const;
      cursor = { after, before, lastAt: after, lastId: '' };
    }
    fake.beforePage?.(pagesServed++);
    const at = (o: SpOrder) => Date.parse(o.LastUpdateDate);
    const matching = [...orders.values()]
      .map((o) => o.order)
      .filter((o) => at(o) > cursor.after && at(o) <= cursor.before)
      .filter((o) => at(o) > cursor.lastAt || (at(o) === cursor.lastAt && o.AmazonOrderId > cursor.lastId))
      .sort((a, b) => at(a) - at(b) || a.AmazonOrderId.localeCompare(b.AmazonOrderId));
    const page = matching.slice(0, pageSize);
    const last = page.at(-1);
    const next =
      matching.length > pageSize && last
        ? Buffer.from(JSON.stringify({ ...cursor, lastAt: at(last), lastId: last.AmazonOrderId })).toString(
            'base64url',
          )
        : undefined;
    return [
      200,
      {
        payload: {
          Orders: page,
          ...(next ? { NextToken: next } : {}),
          LastUpdatedBefore: new Date(cursor.before).toISOString(),
        },
      },
    ] as const;
  }

  function createFeedDocument(body: string) {
    const spec = safeJson(body);
    if (!Value.Check(CreateFeedDocumentSpecification, spec))
      return [400, spError('InvalidInput', 'Invalid CreateFeedDocumentSpecification')] as const;
    const feedDocumentId = `amzn1.tortuga.4.na.${randomUUID()}`;
    documents.set(feedDocumentId, { contentType: spec.contentType });
    const signature = randomUUID().replace(/-/g, '');
    const url = `${fake.url}/feed-documents/${encodeURIComponent(feedDocumentId)}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=300&X-Amz-Signature=${signature}`;
    return [201, { feedDocumentId, url }] as const;
  }

  /** The pre-signed PUT: S3 refuses a content type other than the one the URL was signed for. */
  function uploadDocument(req: http.IncomingMessage, res: http.ServerResponse, id: string, body: string) {
    const document = documents.get(id);
    if (req.method === 'GET' && document?.result && document.content !== undefined) {
      res.writeHead(200, { 'content-type': document.contentType }).end(document.content);
      return;
    }
    if (req.method !== 'PUT' || !document || document.result) {
      res
        .writeHead(req.method !== 'PUT' ? 405 : 404, { 'content-type': 'application/xml' })
        .end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code></Error>');
      return;
    }
    if (req.headers['content-type'] !== document.contentType) {
      res
        .writeHead(403, { 'content-type': 'application/xml' })
        .end('<?xml version="1.0" encoding="UTF-8"?><Error><Code>SignatureDoesNotMatch</Code></Error>');
      return;
    }
    document.content = body;
    res.writeHead(200, { ETag: `"${randomUUID()}"` }).end();
  }

  function createFeed(body: string) {
    const spec = safeJson(body);
    if (!Value.Check(CreateFeedSpecification, spec) || !spec.marketplaceIds.includes(marketplaceId))
      return [400, spError('InvalidInput', 'Invalid CreateFeedSpecification')] as const;
    if (fake.refuseFeeds) return [400, spError('InvalidInput', 'Feed refused')] as const;
    const document = documents.get(spec.inputFeedDocumentId);
    if (!document?.content)
      return [
        400,
        spError('InvalidInput', `Feed document ${spec.inputFeedDocumentId} has no content`),
      ] as const;
    if (spec.feedType !== ORDER_ACKNOWLEDGEMENT_FEED && spec.feedType !== JSON_LISTINGS_FEED)
      return [400, spError('InvalidInput', `Feed type ${spec.feedType} is not served here`)] as const;
    const feed: FakeFeed = {
      feedId: String(50_000_000_000 + fake.feeds.length),
      feedType: spec.feedType,
      marketplaceIds: spec.marketplaceIds,
      contentType: document.contentType,
      content: String(document.content),
      processingStatus: 'IN_QUEUE',
      createdTime: new Date().toISOString(),
      acknowledgements: [],
      errors: [],
      listings: [],
    };
    fake.feeds.push(feed);
    // Feeds are processed in the order they were created, some time after.
    setTimeout(() => {
      feed.processingStatus = 'IN_PROGRESS';
    }, processingMs / 2).unref();
    setTimeout(() => process(feed), processingMs).unref();
    return [202, { feedId: feed.feedId }] as const;
  }

  function process(feed: FakeFeed) {
    if (fake.fatalNext > 0) {
      fake.fatalNext--;
      feed.processingStatus = 'FATAL';
    } else if (feed.feedType === ORDER_ACKNOWLEDGEMENT_FEED) processAcknowledgements(feed);
    else processListings(feed);
    if (feed.processingStatus !== 'FATAL') feed.processingStatus = 'DONE';
    const report =
      feed.feedType === JSON_LISTINGS_FEED
        ? { type: 'application/json', text: listingsReport(feed) }
        : { type: 'text/xml', text: xmlReport(feed) };
    const id = `amzn1.tortuga.4.na.${randomUUID()}`;
    documents.set(id, { contentType: report.type, content: gzipSync(report.text), gzip: true, result: true });
    feed.resultFeedDocumentId = id;
  }

  /** The XML ProcessingReport of an XML feed (FATAL: one Result for the feed, MessageID 0). */
  function xmlReport(feed: FakeFeed): string {
    const fatal = feed.processingStatus === 'FATAL';
    const total = fatal ? 0 : feed.acknowledgements.length;
    const withError = new Set(feed.errors.map((e) => e.messageId)).size;
    const results = fatal ? [{ messageId: 0, message: 'The feed could not be processed.' }] : feed.errors;
    return `<?xml version="1.0" encoding="UTF-8"?>
<AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">
  <Header>
    <DocumentVersion>1.02</DocumentVersion>
    <MerchantIdentifier>${escapeXml(tag(feed.content, 'MerchantIdentifier') ?? '')}</MerchantIdentifier>
  </Header>
  <MessageType>ProcessingReport</MessageType>
  <Message>
    <MessageID>1</MessageID>
    <ProcessingReport>
      <DocumentTransactionID>${feed.feedId}</DocumentTransactionID>
      <StatusCode>Complete</StatusCode>
      <ProcessingSummary>
        <MessagesProcessed>${total}</MessagesProcessed>
        <MessagesSuccessful>${total - withError}</MessagesSuccessful>
        <MessagesWithError>${withError}</MessagesWithError>
        <MessagesWithWarning>0</MessagesWithWarning>
      </ProcessingSummary>
${results
  .map(
    (e) => `      <Result>
        <MessageID>${e.messageId}</MessageID>
        <ResultCode>Error</ResultCode>
        <ResultMessageCode>${e.messageId === 0 ? 5001 : 18028}</ResultMessageCode>
        <ResultDescription>${escapeXml(e.message)}</ResultDescription>
      </Result>
`,
  )
  .join('')}    </ProcessingReport>
  </Message>
</AmazonEnvelope>
`;
  }

  /** A JSON_LISTINGS_FEED's report (version 2.0): summary counts and an issue per refused message. */
  function listingsReport(feed: FakeFeed): string {
    const fatal = feed.processingStatus === 'FATAL';
    const parsed = safeJson(feed.content) as { messages?: unknown[] } | undefined;
    const total = fatal ? 0 : (parsed?.messages?.length ?? 0);
    const invalid = new Set(feed.errors.map((e) => e.messageId)).size;
    return JSON.stringify({
      header: {
        sellerId: (safeJson(feed.content) as { header?: { sellerId?: string } })?.header?.sellerId ?? '',
        version: '2.0',
        feedId: feed.feedId,
      },
      issues: fatal
        ? [{ code: '100001', severity: 'ERROR', message: 'The feed could not be processed.' }]
        : feed.errors.map((e) => {
            const [code, ...rest] = e.message.split(': ');
            return { messageId: e.messageId, code, severity: 'ERROR', message: rest.join(': ') };
          }),
      summary: {
        errors: fatal ? 1 : feed.errors.length,
        warnings: 0,
        messagesProcessed: total,
        messagesAccepted: total - invalid,
        messagesInvalid: invalid,
      },
    });
  }

  /** PATCH messages of fulfillment_availability, each applied or refused on its own. */
  function processListings(feed: FakeFeed) {
    const doc = safeJson(feed.content) as
      | { header?: { sellerId?: unknown; version?: unknown }; messages?: unknown }
      | undefined;
    if (
      !doc ||
      typeof doc.header?.sellerId !== 'string' ||
      doc.header.version !== '2.0' ||
      !Array.isArray(doc.messages)
    ) {
      feed.processingStatus = 'FATAL';
      return;
    }
    for (const raw of doc.messages as Array<Record<string, unknown>>) {
      const messageId = Number(raw.messageId);
      const fail = (code: string, text: string) =>
        feed.errors.push({ messageId, message: `${code}: ${text}` });
      const sku = typeof raw.sku === 'string' ? raw.sku : '';
      const patch = Array.isArray(raw.patches)
        ? (raw.patches[0] as Record<string, unknown> | undefined)
        : undefined;
      const value = Array.isArray(patch?.value)
        ? (patch.value[0] as Record<string, unknown> | undefined)
        : undefined;
      if (
        !Number.isInteger(messageId) ||
        !sku ||
        raw.operationType !== 'PATCH' ||
        !patch ||
        (patch.op !== 'replace' && patch.op !== 'merge') ||
        patch.path !== '/attributes/fulfillment_availability' ||
        value?.fulfillment_channel_code !== 'DEFAULT' ||
        !Number.isInteger(value.quantity) ||
        (value.quantity as number) < 0
      ) {
        fail('4000001', 'The provided value is not valid for fulfillment_availability.');
        continue;
      }
      const injected = fake.messageError?.({ feedType: feed.feedType, sku });
      if (injected) {
        fail(injected.code, injected.message);
        continue;
      }
      const quantity = value.quantity as number;
      quantities.set(sku, quantity);
      const history = fake.quantityHistory.get(sku) ?? [];
      history.push(quantity);
      fake.quantityHistory.set(sku, history);
      feed.listings.push({ messageId, sku, quantity });
    }
  }

  /** Amazon's processing of an OrderAcknowledgement envelope (its XSD's elements, read by name). */
  function processAcknowledgements(feed: FakeFeed) {
    const xml = feed.content;
    const header = tag(xml, 'Header');
    if (
      !xml.startsWith('<?xml') ||
      !header ||
      tag(header, 'DocumentVersion') !== '1.01' ||
      !tag(header, 'MerchantIdentifier') ||
      tag(xml, 'MessageType') !== 'OrderAcknowledgement'
    ) {
      feed.processingStatus = 'FATAL';
      return;
    }
    for (const message of all(xml, 'Message')) {
      const messageId = Number(tag(message, 'MessageID'));
      const ack = tag(message, 'OrderAcknowledgement') ?? '';
      const amazonOrderId = tag(ack, 'AmazonOrderID') ?? '';
      const merchantOrderId = tag(ack, 'MerchantOrderID');
      const statusCode = tag(ack, 'StatusCode') ?? '';
      const ackItems = all(ack, 'Item').map((item) => ({
        orderItemId: tag(item, 'AmazonOrderItemCode') ?? '',
        ...(tag(item, 'CancelReason') ? { cancelReason: tag(item, 'CancelReason')! } : {}),
      }));
      feed.acknowledgements.push({
        messageId,
        amazonOrderId,
        ...(merchantOrderId ? { merchantOrderId } : {}),
        statusCode,
        items: ackItems,
      });
      const fail = (text: string) => feed.errors.push({ messageId, message: text });
      const known = orders.get(amazonOrderId);
      const injected = fake.messageError?.({ feedType: feed.feedType, amazonOrderId });
      if (injected) fail(injected.message);
      else if (!known) fail(`order ${amazonOrderId} not found`);
      else if (statusCode !== 'Failure' && statusCode !== 'Success') fail(`StatusCode ${statusCode}`);
      else if (ackItems.some((i) => !known.items.some((k) => k.OrderItemId === i.orderItemId)))
        fail('an AmazonOrderItemCode is not an item of the order');
      else if (
        ackItems.some(
          (i) =>
            i.cancelReason !== undefined &&
            !(AMAZON_CANCEL_REASONS as readonly string[]).includes(i.cancelReason),
        )
      )
        fail('a CancelReason is not one of the schema');
      else if (statusCode === 'Failure') {
        if (known.order.OrderStatus === 'Canceled') fail(`order ${amazonOrderId} is cancelled already`);
        else if (known.order.OrderStatus === 'Shipped') fail(`order ${amazonOrderId} has shipped`);
        else
          known.order = {
            ...known.order,
            OrderStatus: 'Canceled',
            LastUpdateDate: new Date().toISOString(),
          };
      }
    }
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const body = Buffer.concat(chunks).toString();
      if (req.method === 'POST' && url.pathname === '/auth/o2/token') {
        fake.calls.lwaToken = (fake.calls.lwaToken ?? 0) + 1;
        const form = new URLSearchParams(body);
        if (
          form.get('grant_type') !== 'refresh_token' ||
          form.get('client_id') !== credentials.clientId ||
          form.get('client_secret') !== credentials.clientSecret ||
          form.get('refresh_token') !== credentials.refreshToken
        )
          return send(res, 400, {
            error: 'invalid_grant',
            error_description: 'The request has an invalid grant parameter : refresh_token',
          });
        const token = `Atza|${randomUUID()}`;
        accessTokens.add(token);
        return send(res, 200, {
          access_token: token,
          refresh_token: credentials.refreshToken,
          token_type: 'bearer',
          expires_in: 3600,
        });
      }
      const upload = /^\/feed-documents\/([^/]+)$/.exec(url.pathname);
      if (upload) return uploadDocument(req, res, decodeURIComponent(upload[1]!), body);
      const items = /^\/orders\/v0\/orders\/([^/]+)\/orderItems$/.exec(url.pathname);
      const feedPath = new RegExp(`^${FEEDS_PATH}/feeds/([^/]+)$`).exec(url.pathname);
      const documentPath = new RegExp(`^${FEEDS_PATH}/documents/([^/]+)$`).exec(url.pathname);
      const confirm = /^\/orders\/v0\/orders\/([^/]+)\/shipmentConfirmation$/.exec(url.pathname);
      const operation =
        req.method === 'GET' && url.pathname === '/orders/v0/orders'
          ? 'getOrders'
          : req.method === 'GET' && items
            ? 'getOrderItems'
            : req.method === 'POST' && confirm
              ? 'confirmShipment'
              : req.method === 'POST' && url.pathname === `${FEEDS_PATH}/documents`
                ? 'createFeedDocument'
                : req.method === 'POST' && url.pathname === `${FEEDS_PATH}/feeds`
                  ? 'createFeed'
                  : req.method === 'GET' && feedPath
                    ? 'getFeed'
                    : req.method === 'GET' && documentPath
                      ? 'getFeedDocument'
                      : undefined;
      if (!operation) return send(res, 404, spError('NotFound', 'Resource not found'));
      if (!accessTokens.has(String(req.headers['x-amz-access-token'])))
        return send(res, 403, spError('Unauthorized', 'Access to requested resource is denied.'));
      fake.calls[operation] = (fake.calls[operation] ?? 0) + 1;
      const limitHeader = { 'x-amzn-RateLimit-Limit': String(limits[operation].rate) };
      if (!buckets[operation].tryTake()) {
        fake.throttled[operation] = (fake.throttled[operation] ?? 0) + 1;
        const retry = Math.max(1, Math.ceil(buckets[operation].waitFor() / 1000));
        return send(res, 429, QUOTA_EXCEEDED, { ...limitHeader, 'Retry-After': String(retry) });
      }
      if (fake.faultRate > 0 && Math.random() < fake.faultRate) {
        return Math.random() < 0.5
          ? send(res, 503, spError('ServiceUnavailable', 'Service temporarily unavailable.'))
          : send(res, 429, QUOTA_EXCEEDED, { ...limitHeader, 'Retry-After': '0' });
      }
      if (operation === 'getOrders') {
        const [status, answer] = getOrders(url.searchParams);
        return send(res, status, answer, limitHeader);
      }
      if (operation === 'createFeedDocument' || operation === 'createFeed') {
        const [status, answer] =
          operation === 'createFeedDocument' ? createFeedDocument(body) : createFeed(body);
        return send(res, status, answer, limitHeader);
      }
      if (operation === 'getFeed') {
        const feed = fake.feeds.find((f) => f.feedId === decodeURIComponent(feedPath![1]!));
        if (!feed) return send(res, 404, spError('NotFound', 'Feed not found'), limitHeader);
        return send(
          res,
          200,
          {
            feedId: feed.feedId,
            feedType: feed.feedType,
            marketplaceIds: feed.marketplaceIds,
            createdTime: feed.createdTime,
            processingStatus: feed.processingStatus,
            ...(feed.resultFeedDocumentId ? { resultFeedDocumentId: feed.resultFeedDocumentId } : {}),
          },
          limitHeader,
        );
      }
      if (operation === 'getFeedDocument') {
        const documentId = decodeURIComponent(documentPath![1]!);
        const document = documents.get(documentId);
        if (!document?.result)
          return send(res, 404, spError('NotFound', 'Feed document not found'), limitHeader);
        const signature = randomUUID().replace(/-/g, '');
        return send(
          res,
          200,
          {
            feedDocumentId: documentId,
            url: `${fake.url}/feed-documents/${encodeURIComponent(documentId)}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=300&X-Amz-Signature=${signature}`,
            ...(document.gzip ? { compressionAlgorithm: 'GZIP' } : {}),
          },
          limitHeader,
        );
      }
      const id = decodeURIComponent((items ?? confirm)![1]!);
      const known = orders.get(id);
      if (!known) return send(res, 404, spError('NotFound', `Order ${id} not found`), limitHeader);
      if (operation === 'getOrderItems')
        return send(res, 200, { payload: { AmazonOrderId: id, OrderItems: known.items } }, limitHeader);
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        parsed = undefined;
      }
      if (!Value.Check(ConfirmShipmentRequest, parsed) || parsed.marketplaceId !== marketplaceId)
        return send(res, 400, spError('InvalidInput', 'Invalid shipment confirmation'), limitHeader);
      const unknownItem = parsed.packageDetail.orderItems.find(
        (i) => !known.items.some((k) => k.OrderItemId === i.orderItemId),
      );
      if (unknownItem)
        return send(
          res,
          400,
          spError('InvalidInput', `Unknown orderItemId ${unknownItem.orderItemId}`),
          limitHeader,
        );
      fake.confirmations.push({ amazonOrderId: id, body: parsed });
      return send(res, 204, undefined, limitHeader);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  fake.url = `http://127.0.0.1:${port}`;
  fake.tokenUrl = `${fake.url}/auth/o2/token`;
  return fake;
}

const tag = xmlTag;
const all = xmlAll;
const safeJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};
