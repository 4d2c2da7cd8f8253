import { type AmazonCancelReason, orderCancellationFeed } from './order-cancellation-feed.js';
import type { SpApiClient } from './sp-api-client.js';
import { ORDER_ACKNOWLEDGEMENT_FEED, XML_FEED_CONTENT_TYPE } from './sp-api-feeds.schemas.js';

/**
 * Cancels an Amazon order as its seller: every item of it (read with getOrderItems) acknowledged with
 * StatusCode Failure in a POST_ORDER_ACKNOWLEDGEMENT_DATA feed. Sent again after a success (a relay
 * that died before its commit), Amazon's processing report says the order is cancelled already and
 * nothing changes there.
 */
export async function cancelAmazonOrder(
  client: SpApiClient,
  order: { amazonOrderId: string; merchantOrderId: string; merchantIdentifier: string },
  reason: AmazonCancelReason = 'GeneralAdjustment',
): Promise<{ feedId: string }> {
  const items = await client.getOrderItems(order.amazonOrderId);
  const feed = orderCancellationFeed(order.merchantIdentifier, [
    {
      amazonOrderId: order.amazonOrderId,
      merchantOrderId: order.merchantOrderId,
      items: items.map((item) => ({ orderItemId: item.OrderItemId, reason })),
    },
  ]);
  const { feedId } = await client.submitFeed(ORDER_ACKNOWLEDGEMENT_FEED, XML_FEED_CONTENT_TYPE, feed);
  return { feedId };
}
