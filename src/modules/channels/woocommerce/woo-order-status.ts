import { Type } from 'typebox';
import { type CallObserver, callChannel } from '../channel-api-call.js';
import type { ChannelFetch } from '../channel-fetch.js';
import { checkPayload } from '../channel-payload.js';
import type { ShipmentToTell } from '../outbound/shipment-to-tell.js';
import { basicAuth } from './woo-orders-api.js';

export interface WooSite {
  fetch: ChannelFetch;
  site: string;
  credentials: { consumerKey: string; consumerSecret: string };
  observer: CallObserver;
}

const OrderMeta = Type.Object({
  status: Type.String(),
  meta_data: Type.Array(Type.Object({ key: Type.String() })),
});

/** The meta key a shipment is kept under on the WooCommerce order: one per shipment, so a retry finds it. */
export const wooShipmentMetaKey = (shipmentId: string) => `_ordersync_shipment_${shipmentId}`;

async function call(
  woo: WooSite,
  method: 'GET' | 'POST' | 'PUT',
  orderId: string,
  path = '',
  body?: unknown,
) {
  const url = new URL(`/wp-json/wc/v3/orders/${encodeURIComponent(orderId)}${path}`, woo.site);
  const res = await callChannel(
    woo.fetch,
    url,
    {
      method,
      headers: {
        authorization: basicAuth(woo.credentials),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    },
    woo.observer,
    { tries: 1 }, // the relay retries the event with its backoff
  );
  return (await res.json()) as unknown;
}

/**
 * A shipment on a WooCommerce order (REST v3): a note to the customer with the carrier and tracking,
 * and the tracking in the order's meta under a key of the shipment's own, written last, so that a
 * retry that finds the key knows all of it was done. (A retry after the note but before the meta
 * writes the note again: a duplicated note, never a lost one.) The status is set by `completeWooOrder`
 * once the whole order has shipped.
 */
export async function noteWooShipment(woo: WooSite, orderId: string, shipment: ShipmentToTell) {
  const key = wooShipmentMetaKey(shipment.shipmentId);
  const order = checkPayload(OrderMeta, await call(woo, 'GET', orderId), 'answer');
  if (order.meta_data.some((m) => m.key === key)) return 'already there' as const;
  await call(woo, 'POST', orderId, '/notes', {
    note: `Shipped with ${shipment.carrierName}, tracking number ${shipment.trackingNumber}.`,
    customer_note: true,
  });
  await call(woo, 'PUT', orderId, '', {
    meta_data: [
      {
        key,
        value: {
          carrier: shipment.carrierCode,
          tracking_number: shipment.trackingNumber,
          shipped_at: shipment.shippedAt.toISOString(),
        },
      },
    ],
  });
  return 'noted' as const;
}

/** Sets the order's status (`completed` when all of it shipped, `cancelled`); setting it again is harmless. */
export async function setWooOrderStatus(woo: WooSite, orderId: string, status: 'completed' | 'cancelled') {
  await call(woo, 'PUT', orderId, '', { status });
}
