import { type Static, Type } from 'typebox';

/**
 * The part of Amazon's Feeds API 2021-06-30 OrderSync uses: a feed document is created (Amazon answers
 * with its id and a pre-signed URL to PUT the content to), the content uploaded, then the feed
 * created naming the document. Amazon processes it later; the feed's id names it.
 */
export const FEEDS_PATH = '/feeds/2021-06-30';
export const ORDER_ACKNOWLEDGEMENT_FEED = 'POST_ORDER_ACKNOWLEDGEMENT_DATA';
/** The feed's content type, given at createFeedDocument and again on the upload (Amazon compares). */
export const XML_FEED_CONTENT_TYPE = 'text/xml; charset=UTF-8';

export const CreateFeedDocumentSpecification = Type.Object(
  { contentType: Type.String({ minLength: 1 }) },
  { additionalProperties: false },
);
export type CreateFeedDocumentSpecification = Static<typeof CreateFeedDocumentSpecification>;

export const CreateFeedDocumentResponse = Type.Object({
  feedDocumentId: Type.String({ minLength: 1 }),
  url: Type.String({ minLength: 1 }),
});
export type CreateFeedDocumentResponse = Static<typeof CreateFeedDocumentResponse>;

export const CreateFeedSpecification = Type.Object(
  {
    feedType: Type.String({ minLength: 1 }),
    marketplaceIds: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, maxItems: 25 }),
    inputFeedDocumentId: Type.String({ minLength: 1 }),
    feedOptions: Type.Optional(Type.Record(Type.String(), Type.String())),
  },
  { additionalProperties: false },
);
export type CreateFeedSpecification = Static<typeof CreateFeedSpecification>;

export const CreateFeedResponse = Type.Object({ feedId: Type.String({ minLength: 1 }) });
export type CreateFeedResponse = Static<typeof CreateFeedResponse>;

/** Listings (stock included) as JSON: Amazon's current feed for offers, replacing the XML inventory feed. */
export const JSON_LISTINGS_FEED = 'JSON_LISTINGS_FEED';
export const JSON_FEED_CONTENT_TYPE = 'application/json; charset=UTF-8';

export const FEED_PROCESSING_STATUSES = ['CANCELLED', 'DONE', 'FATAL', 'IN_PROGRESS', 'IN_QUEUE'] as const;
export type FeedProcessingStatus = (typeof FEED_PROCESSING_STATUSES)[number];
/** Statuses after which Amazon does no more with a feed. */
export const FINISHED_FEED_STATUSES: readonly FeedProcessingStatus[] = ['CANCELLED', 'DONE', 'FATAL'];

/** getFeed (2021-06-30 answers the Feed itself, no `payload` wrapper). */
export const GetFeedResponse = Type.Object({
  feedId: Type.String({ minLength: 1 }),
  feedType: Type.String(),
  marketplaceIds: Type.Optional(Type.Array(Type.String())),
  createdTime: Type.String(),
  processingStatus: Type.Union(FEED_PROCESSING_STATUSES.map((s) => Type.Literal(s))),
  processingStartTime: Type.Optional(Type.String()),
  processingEndTime: Type.Optional(Type.String()),
  /** The processing report's document, once DONE (and for some FATAL feeds). */
  resultFeedDocumentId: Type.Optional(Type.String({ minLength: 1 })),
});
export type GetFeedResponse = Static<typeof GetFeedResponse>;

/** getFeedDocument: a pre-signed URL to GET the document from, GZIP when Amazon says so. */
export const GetFeedDocumentResponse = Type.Object({
  feedDocumentId: Type.String({ minLength: 1 }),
  url: Type.String({ minLength: 1 }),
  compressionAlgorithm: Type.Optional(Type.Literal('GZIP')),
});
export type GetFeedDocumentResponse = Static<typeof GetFeedDocumentResponse>;
