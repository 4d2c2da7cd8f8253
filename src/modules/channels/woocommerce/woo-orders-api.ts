import { type CallObserver, callChannel } from '../channel-api-call.js';
import type { ChannelFetch } from '../channel-fetch.js';

/** WooCommerce REST's Basic auth with the consumer key and secret (over HTTPS). */
export const basicAuth = (c: { consumerKey: string; consumerSecret: string }) =>
  `Basic ${Buffer.from(`${c.consumerKey}:${c.consumerSecret}`).toString('base64')}`;

/**
 * WooCommerce orders modified since `since` (REST v3 `orders?modified_after=`, GMT), oldest change
 * first, page by page until X-WP-TotalPages. Basic auth with the consumer key and secret (HTTPS).
 */
export async function* wooOrdersModifiedSince(
  fetchFn: ChannelFetch,
  site: string,
  credentials: { consumerKey: string; consumerSecret: string },
  since: Date,
  observer: CallObserver,
): AsyncGenerator<unknown[]> {
  const auth = basicAuth(credentials);
  for (let page = 1; ; page++) {
    const url = new URL('/wp-json/wc/v3/orders', site);
    url.search = new URLSearchParams({
      modified_after: since.toISOString().slice(0, 19),
      dates_are_gmt: 'true',
      orderby: 'modified',
      order: 'asc',
      per_page: '100',
      page: String(page),
    }).toString();
    const res = await callChannel(fetchFn, url, { headers: { authorization: auth } }, observer);
    yield (await res.json()) as unknown[];
    const pages = Number(res.headers.get('x-wp-totalpages') ?? '1');
    if (!(page < pages)) return;
  }
}

/** How many orders the site has created in [from, to) (REST v3 `X-WP-Total` of a one-item page). */
export async function wooOrderCount(
  fetchFn: ChannelFetch,
  site: string,
  credentials: { consumerKey: string; consumerSecret: string },
  from: Date,
  to: Date,
  observer: CallObserver,
): Promise<number> {
  const url = new URL('/wp-json/wc/v3/orders', site);
  // `after` and `before` are exclusive, to the second
  url.search = new URLSearchParams({
    after: new Date(from.getTime() - 1000).toISOString().slice(0, 19),
    before: to.toISOString().slice(0, 19),
    dates_are_gmt: 'true',
    per_page: '1',
  }).toString();
  const res = await callChannel(
    fetchFn,
    url,
    { headers: { authorization: basicAuth(credentials) } },
    observer,
  );
  await res.arrayBuffer();
  const total = Number(res.headers.get('x-wp-total'));
  if (!Number.isInteger(total)) throw new Error('the order listing answered without X-WP-Total');
  return total;
}
