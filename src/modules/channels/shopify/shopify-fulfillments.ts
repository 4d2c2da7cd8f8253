import { Type } from 'typebox';
import { type CallObserver, callChannel } from '../channel-api-call.js';
import type { ChannelFetch } from '../channel-fetch.js';
import { checkPayload } from '../channel-payload.js';
import { allocate, type ShipmentToTell } from '../outbound/shipment-to-tell.js';
import { SHOPIFY_API_VERSION } from './shopify-orders-api.js';

export interface ShopifyAdmin {
  fetch: ChannelFetch;
  shop: string;
  accessToken: string;
  observer: CallObserver;
}

const Nullable = <T extends Parameters<typeof Type.Optional>[0]>(t: T) =>
  Type.Optional(Type.Union([t, Type.Null()]));

const FulfillmentOrders = Type.Object({
  fulfillment_orders: Type.Array(
    Type.Object({
      id: Type.Number(),
      status: Type.String(),
      line_items: Type.Array(
        Type.Object({
          id: Type.Number(),
          variant_id: Nullable(Type.Number()),
          fulfillable_quantity: Type.Number(),
        }),
      ),
    }),
  ),
});
const Fulfillments = Type.Object({
  fulfillments: Type.Array(
    Type.Object({
      tracking_number: Nullable(Type.String()),
      tracking_numbers: Type.Optional(Type.Array(Type.String())),
    }),
  ),
});
const CancelledAt = Type.Object({ order: Type.Object({ cancelled_at: Nullable(Type.String()) }) });

/** Fulfillment orders Shopify still lets a merchant fulfill (`open`, `in_progress`). */
const FULFILLABLE = new Set(['open', 'in_progress']);

/**
 * One call, once: the relay retries a failed event with its own backoff (a 429 too, as Shopify's
 * leaky bucket refills meanwhile), so the consumer never sleeps holding its transaction.
 */
async function call(api: ShopifyAdmin, method: 'GET' | 'POST', path: string, body?: unknown) {
  const url = new URL(`/admin/api/${SHOPIFY_API_VERSION}/${path}`, api.shop);
  const res = await callChannel(
    api.fetch,
    url,
    {
      method,
      headers: {
        'x-shopify-access-token': api.accessToken,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    },
    api.observer,
    { tries: 1 },
  );
  return (await res.json()) as unknown;
}

/**
 * A Shopify fulfillment with our tracking (REST Admin: the order's fulfillment orders, then
 * `POST fulfillments.json` naming the fulfillment-order line items by the variants shipped). A
 * fulfillment already there with this tracking number is the one we made before a retry: nothing
 * is sent twice.
 */
export async function fulfillShopifyOrder(
  api: ShopifyAdmin,
  orderId: string,
  shipment: ShipmentToTell,
): Promise<'created' | 'already there'> {
  const id = encodeURIComponent(orderId);
  const made = checkPayload(Fulfillments, await call(api, 'GET', `orders/${id}/fulfillments.json`), 'answer');
  const ours = (f: (typeof made.fulfillments)[number]) =>
    f.tracking_number === shipment.trackingNumber ||
    (f.tracking_numbers ?? []).includes(shipment.trackingNumber);
  if (made.fulfillments.some(ours)) return 'already there';
  const open = checkPayload(
    FulfillmentOrders,
    await call(api, 'GET', `orders/${id}/fulfillment_orders.json`),
    'answer',
  ).fulfillment_orders.filter((fo) => FULFILLABLE.has(fo.status));
  const items = open.flatMap((fo) => fo.line_items.map((li) => ({ fo: fo.id, ...li })));
  const taken = allocate(
    shipment.lines,
    items,
    (line, item) => line.variantId !== undefined && String(item.variant_id) === line.variantId,
    (item) => item.fulfillable_quantity,
    (line) => `variant ${line.variantId ?? '(none)'} (${line.title})`,
  );
  const byOrder = new Map<number, Array<{ id: number; quantity: number }>>();
  for (const { item, quantity } of taken)
    byOrder.set(item.fo, [...(byOrder.get(item.fo) ?? []), { id: item.id, quantity }]);
  await call(api, 'POST', 'fulfillments.json', {
    fulfillment: {
      line_items_by_fulfillment_order: [...byOrder].map(([fulfillment_order_id, lines]) => ({
        fulfillment_order_id,
        fulfillment_order_line_items: lines,
      })),
      tracking_info: { number: shipment.trackingNumber, company: shipment.carrierName },
      notify_customer: true,
    },
  });
  return 'created';
}

/** Cancels the order on Shopify (`POST orders/{id}/cancel.json`), unless it already is cancelled. */
export async function cancelShopifyOrder(
  api: ShopifyAdmin,
  orderId: string,
): Promise<'cancelled' | 'already there'> {
  const id = encodeURIComponent(orderId);
  const now = checkPayload(
    CancelledAt,
    await call(api, 'GET', `orders/${id}.json?fields=id,cancelled_at`),
    'answer',
  );
  if (now.order.cancelled_at) return 'already there';
  await call(api, 'POST', `orders/${id}/cancel.json`, {});
  return 'cancelled';
}
