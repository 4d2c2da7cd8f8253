import { type CallObserver, callChannel } from '../channel-api-call.js';
import type { ChannelFetch } from '../channel-fetch.js';
import type { ShopifyOrder } from './shopify-order.js';

export const SHOPIFY_API_VERSION = '2024-10';

/** The next page's URL from Shopify's `Link: <…page_info=…>; rel="next"` header. */
export function nextPageUrl(link: string | null): URL | undefined {
  const next = link?.split(',').find((part) => /rel="?next"?/.test(part));
  const m = next && /<([^>]+)>/.exec(next);
  return m ? new URL(m[1]!) : undefined;
}

/**
 * Shopify orders changed since `since` (REST Admin `orders.json?updated_at_min=`), page by page with
 * the cursor Shopify hands out in `Link`: a page may change under us, the cursor does not skip.
 */
export async function* shopifyOrdersUpdatedSince(
  fetchFn: ChannelFetch,
  shop: string,
  accessToken: string,
  since: Date,
  observer: CallObserver,
): AsyncGenerator<unknown[]> {
  let url: URL | undefined = new URL(`/admin/api/${SHOPIFY_API_VERSION}/orders.json`, shop);
  url.search = new URLSearchParams({
    status: 'any',
    updated_at_min: since.toISOString(),
    limit: '250',
    order: 'updated_at asc',
  }).toString();
  while (url) {
    const res = await callChannel(
      fetchFn,
      url,
      { headers: { 'x-shopify-access-token': accessToken } },
      observer,
    );
    const body = (await res.json()) as { orders?: ShopifyOrder[] };
    yield body.orders ?? [];
    url = nextPageUrl(res.headers.get('link'));
  }
}

/** How many orders the shop has created in [from, to) (REST Admin `orders/count.json`, any status). */
export async function shopifyOrderCount(
  fetchFn: ChannelFetch,
  shop: string,
  accessToken: string,
  from: Date,
  to: Date,
  observer: CallObserver,
): Promise<number> {
  const url = new URL(`/admin/api/${SHOPIFY_API_VERSION}/orders/count.json`, shop);
  // both bounds are inclusive and Shopify's times are whole seconds: the last second of the range
  url.search = new URLSearchParams({
    status: 'any',
    created_at_min: from.toISOString(),
    created_at_max: new Date(to.getTime() - 1000).toISOString(),
  }).toString();
  const res = await callChannel(
    fetchFn,
    url,
    { headers: { 'x-shopify-access-token': accessToken } },
    observer,
  );
  const body = (await res.json()) as { count?: unknown };
  if (typeof body.count !== 'number') throw new Error('orders/count.json answered without a count');
  return body.count;
}
