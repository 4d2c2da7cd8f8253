import { AppError } from '../../platform/errors.js';
import type { ChannelOrder } from './channel-order.js';
import { parsePayload } from './channel-payload.js';
import type { ChannelKind } from './channels.tables.js';
import {
  fromShopifyOrder,
  ShopifyOrder,
  ShopifyRefund,
  shopifyRefundAmount,
} from './shopify/shopify-order.js';
import { fromWooOrder, WooDeleted, WooOrder } from './woocommerce/woocommerce-order.js';

/** What one webhook delivery asks of the intake, read from the channel's own format. */
export type DeliveryAction =
  | { type: 'order'; order: ChannelOrder }
  | { type: 'refund'; externalId: string; refundId: string; amount: (currency: string) => number }
  | { type: 'deleted'; externalId: string };

const SHOPIFY_ORDER_TOPICS = new Set(['orders/create', 'orders/updated', 'orders/cancelled']);
const WOO_ORDER_TOPICS = new Set(['order.created', 'order.updated', 'order.restored']);

/** Whether the intake takes this topic (others — a product update — are acknowledged and dropped). */
export function takesTopic(kind: ChannelKind, topic: string): boolean {
  if (kind === 'shopify') return SHOPIFY_ORDER_TOPICS.has(topic) || topic === 'refunds/create';
  if (kind === 'woocommerce') return WOO_ORDER_TOPICS.has(topic) || topic === 'order.deleted';
  return false;
}

/** Reads a delivery's body; a 400/422 names what is wrong with it. Pure and quick: run at receipt too. */
export function readDelivery(kind: ChannelKind, topic: string, body: string): DeliveryAction {
  if (kind === 'shopify' && SHOPIFY_ORDER_TOPICS.has(topic)) {
    return { type: 'order', order: fromShopifyOrder(parsePayload(ShopifyOrder, body, 'Shopify order')) };
  }
  if (kind === 'shopify' && topic === 'refunds/create') {
    const refund = parsePayload(ShopifyRefund, body, 'Shopify refund');
    return {
      type: 'refund',
      externalId: String(refund.order_id),
      refundId: String(refund.id),
      amount: (currency) => shopifyRefundAmount(refund, currency),
    };
  }
  if (kind === 'woocommerce' && WOO_ORDER_TOPICS.has(topic)) {
    return { type: 'order', order: fromWooOrder(parsePayload(WooOrder, body, 'WooCommerce order')) };
  }
  if (kind === 'woocommerce' && topic === 'order.deleted') {
    return { type: 'deleted', externalId: String(parsePayload(WooDeleted, body, 'WooCommerce deletion').id) };
  }
  throw new AppError('unprocessable', `A ${kind} channel takes no ${topic} deliveries`);
}
