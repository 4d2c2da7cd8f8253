/**
 * Amazon's seller-side cancellation: an OrderAcknowledgement message (feed POST_ORDER_ACKNOWLEDGEMENT_DATA)
 * with StatusCode Failure, each item with a CancelReason. Orders v0 has no cancel operation; this feed
 * is what Seller Central's "cancel order" does for a merchant-fulfilled order not yet shipped.
 */
import { escapeXml } from './xml-text.js';

/** The reasons Amazon's OrderAcknowledgement schema accepts per item. */
export const AMAZON_CANCEL_REASONS = [
  'NoInventory',
  'ShippingAddressUndeliverable',
  'CustomerExchange',
  'BuyerCanceled',
  'GeneralAdjustment',
  'CarrierCreditDecision',
  'RiskAssessmentInformationNotValid',
  'CarrierCoverageFailure',
  'CustomerReturn',
  'MerchandiseNotReceived',
] as const;
export type AmazonCancelReason = (typeof AMAZON_CANCEL_REASONS)[number];

export interface OrderCancellation {
  amazonOrderId: string;
  /** Our order's id, kept by Amazon as MerchantOrderID (found again in the processing report). */
  merchantOrderId?: string;
  items: Array<{ orderItemId: string; reason: AmazonCancelReason }>;
}

/** The feed's XML: one message per order, MessageID counting from 1 (Amazon reports errors by it). */
export function orderCancellationFeed(
  merchantIdentifier: string,
  orders: readonly OrderCancellation[],
): string {
  const messages = orders.map(
    (order, i) => `  <Message>
    <MessageID>${i + 1}</MessageID>
    <OperationType>Update</OperationType>
    <OrderAcknowledgement>
      <AmazonOrderID>${escapeXml(order.amazonOrderId)}</AmazonOrderID>
${order.merchantOrderId ? `      <MerchantOrderID>${escapeXml(order.merchantOrderId)}</MerchantOrderID>\n` : ''}      <StatusCode>Failure</StatusCode>
${order.items
  .map(
    (item) => `      <Item>
        <AmazonOrderItemCode>${escapeXml(item.orderItemId)}</AmazonOrderItemCode>
        <CancelReason>${item.reason}</CancelReason>
      </Item>
`,
  )
  .join('')}    </OrderAcknowledgement>
  </Message>
`,
  );
  return `<?xml version="1.0" encoding="UTF-8"?>
<AmazonEnvelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:noNamespaceSchemaLocation="amzn-envelope.xsd">
  <Header>
    <DocumentVersion>1.01</DocumentVersion>
    <MerchantIdentifier>${escapeXml(merchantIdentifier)}</MerchantIdentifier>
  </Header>
  <MessageType>OrderAcknowledgement</MessageType>
${messages.join('')}</AmazonEnvelope>
`;
}
