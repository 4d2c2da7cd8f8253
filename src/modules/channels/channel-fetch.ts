import { Agent, fetch as undiciFetch } from 'undici';
import { hostOf, TargetRefused, WebhookTargets } from '../sync/index.js';

/** fetch as the channel adapters take it (the Amazon client's `fetchFn` too). */
export type ChannelFetch = typeof fetch;

/**
 * fetch to a channel's configured API URL behind the same guard as webhooks (WEBHOOK_ALLOWED_HOSTS):
 * a URL whose host is, or resolves to, a private, loopback or metadata address is refused, checked
 * again on every connection (undici's `connect.lookup`), so DNS rebinding cannot slip past. Redirects
 * are not followed: a 3xx is an answer the adapter treats as a failure, never a second target.
 */
export function guardedChannelFetch(allowedHosts: readonly string[]): ChannelFetch {
  const targets = new WebhookTargets(allowedHosts);
  const dispatcher = new Agent({ connect: { lookup: targets.lookup }, keepAliveTimeout: 10_000 });
  return (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    const host = hostOf(url);
    // an address in the URL is never looked up, so it is judged here; a name is judged at connect
    const refusal = (await targets.urlRefusal(url.toString())) ?? null;
    if (refusal) throw new TargetRefused(`${host}: ${refusal}`);
    return undiciFetch(url, { ...(init as object), redirect: 'manual', dispatcher }) as unknown as Response;
  }) as ChannelFetch;
}
