/**
 * Stock for Amazon as a JSON_LISTINGS_FEED (Amazon's way since the XML inventory feed was retired):
 * one PATCH message per seller SKU replacing its `fulfillment_availability` for the merchant-fulfilled
 * channel (`DEFAULT`) with an absolute quantity, so a message sent twice sets the same level twice.
 */
export const LISTINGS_FEED_VERSION = '2.0';
/** Amazon takes at most this many messages in one listings feed. */
export const MAX_LISTINGS_MESSAGES = 10_000;

export interface SkuQuantity {
  sellerSku: string;
  quantity: number;
}

/** The feed's JSON: messageId counting from 1, the processing report's issues name them. */
export function inventoryListingsFeed(sellerId: string, levels: readonly SkuQuantity[]): string {
  return JSON.stringify({
    header: { sellerId, version: LISTINGS_FEED_VERSION, issueLocale: 'en_US' },
    messages: levels.map((l, i) => ({
      messageId: i + 1,
      sku: l.sellerSku,
      operationType: 'PATCH',
      productType: 'PRODUCT',
      patches: [
        {
          op: 'replace',
          path: '/attributes/fulfillment_availability',
          value: [{ fulfillment_channel_code: 'DEFAULT', quantity: l.quantity }],
        },
      ],
    })),
  });
}
