import type { Trx } from '../../../platform/db/database.js';
import type { ConsumedEvent, EventConsumer } from '../../../platform/module.js';
import { CARRIERS } from '../../fulfillment/index.js';
import { type EventData, isEventData } from '../../sync/index.js';
import { recordCancellationDue } from '../amazon/amazon-feeds.repository.js';
import { confirmAmazonShipment } from '../amazon/confirm-shipment.js';
import type { CallObserver } from '../channel-api-call.js';
import type { ChannelClients } from '../channel-clients.js';
import type { ChannelOrder } from '../channel-order.js';
import { findChannelOrderOf } from '../channel-orders.repository.js';
import { type ChannelRow, findChannelById } from '../channels.repository.js';
import {
  cancelShopifyOrder,
  fulfillShopifyOrder,
  type ShopifyAdmin,
} from '../shopify/shopify-fulfillments.js';
import { mapChannelLines } from '../sku-mapping.js';
import { noteWooShipment, setWooOrderStatus, type WooSite } from '../woocommerce/woo-order-status.js';
import { ChannelMismatch, type ShipmentToTell } from './shipment-to-tell.js';

/** Channels told of what happens to their orders here. Files are not (nobody to tell). */
const TOLD = new Set(['shopify', 'woocommerce', 'amazon']);

/** Throttling is not an incident here: the call fails, and the relay retries it with its backoff. */
const quiet: CallObserver = { throttled: () => {} };

interface Told {
  channel: ChannelRow;
  externalId: string;
  snapshot: ChannelOrder;
}

/**
 * Ships and cancellations made in OrderSync, told to the channel the order came from: Shopify gets a
 * fulfillment with tracking (or the order cancelled), WooCommerce a note and tracking meta, then
 * `completed` once all of it shipped (or `cancelled`), Amazon confirmShipment (or its cancellation
 * recorded due, for the feed job's next order-acknowledgement feed). An in-process consumer of the relay, so per order in
 * event order; a failed call throws, the relay retries it with backoff and in the end the event is a
 * dead letter (`GET /v1/deliveries?status=dead`, retried from there).
 * Each call is made so that repeating it after a success changes nothing on the channel (a relay
 * that died after the call but before its commit calls again).
 */
export function tellChannels(clients: ChannelClients): EventConsumer {
  const shopify = (channel: ChannelRow): ShopifyAdmin => ({
    fetch: clients.fetch,
    shop: apiUrlOf(channel),
    accessToken: clients.credentials(channel).accessToken ?? '',
    observer: quiet,
  });
  const woo = (channel: ChannelRow): WooSite => {
    const c = clients.credentials(channel);
    return {
      fetch: clients.fetch,
      site: apiUrlOf(channel),
      credentials: { consumerKey: c.consumerKey ?? '', consumerSecret: c.consumerSecret ?? '' },
      observer: quiet,
    };
  };

  async function shipped(trx: Trx, to: Told, data: EventData<'shipment.shipped'>, at: Date) {
    const { shipment } = data;
    // a replacement from a return is ours alone; a channel that already says shipped needs no word
    if (shipment.kind !== 'order' || !shipment.carrier || !shipment.trackingNumber) return;
    if (to.snapshot.status === 'completed') return;
    const tell = await shipmentToTell(trx, to, shipment, at);
    const { channel, externalId } = to;
    if (channel.kind === 'shopify') await fulfillShopifyOrder(shopify(channel), externalId, tell);
    else if (channel.kind === 'woocommerce') await noteWooShipment(woo(channel), externalId, tell);
    else await confirmAmazonShipment(clients.amazon(channel), externalId, tell);
  }

  async function cancelled(trx: Trx, to: Told, orderId: string) {
    if (to.snapshot.status === 'cancelled') return; // the channel cancelled it: that is where it came from
    const { channel, externalId } = to;
    if (channel.kind === 'shopify') await cancelShopifyOrder(shopify(channel), externalId);
    else if (channel.kind === 'woocommerce') await setWooOrderStatus(woo(channel), externalId, 'cancelled');
    // Orders v0 cannot cancel: Amazon takes a seller's cancellation as an order-acknowledgement feed,
    // and createFeed's quota is a feed every two minutes. Recorded due here, in the relay's
    // transaction (so once); the feed job sends a channel's due ones together (amazon/amazon-feeds.ts).
    else await recordCancellationDue(trx, { channelId: channel.id, orderId, amazonOrderId: externalId });
  }

  return {
    name: 'channels-outbound',
    eventTypes: ['shipment.shipped', 'order.shipped', 'order.cancelled'],
    async handle(event: ConsumedEvent, trx: Trx) {
      const to = await toldOf(trx, event.subject);
      if (!to) return;
      if (event.type === 'shipment.shipped') {
        if (!isEventData('shipment.shipped', event.data)) throw new Error('not a shipment.shipped payload');
        await shipped(trx, to, event.data, event.time);
      } else if (event.type === 'order.cancelled') {
        await cancelled(trx, to, event.subject);
      } else if (event.type === 'order.shipped' && to.channel.kind === 'woocommerce') {
        if (to.snapshot.status === 'open')
          await setWooOrderStatus(woo(to.channel), to.externalId, 'completed');
      }
    },
  };
}

async function toldOf(trx: Trx, orderId: string): Promise<Told | undefined> {
  const row = await findChannelOrderOf(trx, orderId);
  if (!row) return undefined;
  const channel = await findChannelById(trx, row.channel_id);
  // a channel switched off is not called; the order's own record keeps what happened
  if (!channel?.enabled || !TOLD.has(channel.kind)) return undefined;
  return { channel, externalId: row.external_id, snapshot: row.snapshot };
}

function apiUrlOf(channel: ChannelRow): string {
  if (!channel.api_url) throw new ChannelMismatch(`channel ${channel.code} has no apiUrl to call`);
  return channel.api_url;
}

/** Our shipment's SKUs back to the channel's lines (the SKU map read the other way). */
async function shipmentToTell(
  trx: Trx,
  to: Told,
  shipment: EventData<'shipment.shipped'>['shipment'],
  shippedAt: Date,
): Promise<ShipmentToTell> {
  const mapped = await mapChannelLines(trx, to.channel.id, to.snapshot.lines);
  if (!mapped.ok) throw new ChannelMismatch(mapped.reason);
  const lines: ShipmentToTell['lines'] = [];
  for (const l of shipment.lines) {
    const i = mapped.items.findIndex((item) => item.sku === l.sku);
    if (i < 0) throw new ChannelMismatch(`SKU ${l.sku} is on no line of the channel's order`);
    lines.push({ line: to.snapshot.lines[i]!, quantity: l.quantity });
  }
  const carrier = CARRIERS.find((c) => c.code === shipment.carrier);
  return {
    shipmentId: shipment.id,
    carrierCode: shipment.carrier!,
    carrierName: carrier?.name ?? shipment.carrier!,
    trackingNumber: shipment.trackingNumber!,
    shippedAt,
    lines,
  };
}
