import { allocate, type ShipmentToTell } from '../outbound/shipment-to-tell.js';
import type { SpApiClient } from './sp-api-client.js';

/**
 * Amazon's packageReferenceId is a positive number naming a package within its order, and a second
 * confirmShipment with the same one edits that package rather than adding one: derived from our
 * shipment id (UUIDv7: its time and random bits), a retry of the same shipment is the same package.
 */
export const packageReferenceIdOf = (shipmentId: string): string =>
  (BigInt(`0x${shipmentId.replace(/-/g, '').slice(0, 16)}`) || 1n).toString();

/**
 * Tells Amazon a shipment left (Orders v0 confirmShipment), its lines matched to Amazon's order items
 * by SellerSKU (the channel SKU we kept; ASIN when Amazon sent none) read with getOrderItems. Room
 * per item is what was ordered, not what is left: a retry edits the package it already confirmed.
 */
export async function confirmAmazonShipment(
  client: SpApiClient,
  amazonOrderId: string,
  shipment: ShipmentToTell,
): Promise<void> {
  const items = await client.getOrderItems(amazonOrderId);
  const taken = allocate(
    shipment.lines,
    items,
    (line, item) => line.channelSku === (item.SellerSKU ?? item.ASIN),
    (item) => item.QuantityOrdered,
    (line) => `SKU ${line.channelSku ?? '(none)'} (${line.title})`,
  );
  await client.confirmShipment(amazonOrderId, {
    packageDetail: {
      packageReferenceId: packageReferenceIdOf(shipment.shipmentId),
      carrierCode: 'Other',
      carrierName: shipment.carrierName,
      trackingNumber: shipment.trackingNumber,
      shipDate: shipment.shippedAt.toISOString(),
      orderItems: taken.map(({ item, quantity }) => ({ orderItemId: item.OrderItemId, quantity })),
    },
    marketplaceId: client.marketplaceId,
  });
}
