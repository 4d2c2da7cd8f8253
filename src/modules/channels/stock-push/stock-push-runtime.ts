import type { Config } from '../../../platform/config.js';
import type { Db } from '../../../platform/db/database.js';
import type { ScheduledJob } from '../../../platform/scheduler.js';
import { WebhookTargets } from '../../sync/index.js';
import { ChannelSecrets } from '../channel-secrets.js';
import { ShopifyInventory } from './shopify-inventory.js';
import { type StockChannel, StockPusher, type StockTargetFactory } from './stock-pusher.js';

export interface StockPushDeps {
  db: Db;
  config: Pick<Config, 'channelSecretsKey' | 'sync'>;
}

/**
 * Shopify channels' stock API from their account: the shop's URL and its admin access token
 * (`accessToken`, and `locationId` when the shop has several locations). Outbound calls go only to
 * `*.myshopify.com` over HTTPS, or to a host WEBHOOK_ALLOWED_HOSTS names (tests: loopback fakes).
 */
export function stockTargets(deps: StockPushDeps): StockTargetFactory {
  const secrets = new ChannelSecrets(deps.config.channelSecretsKey);
  const allowed = new WebhookTargets(deps.config.sync.webhookAllowedHosts);
  return (channel: StockChannel) => {
    if (channel.kind !== 'shopify' || !channel.api_url || !channel.credentials_enc) return undefined;
    const url = new URL(channel.api_url);
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const shopify = url.protocol === 'https:' && host.endsWith('.myshopify.com');
    if (!shopify && allowed.addressRefusal(host, host) !== null) return undefined;
    const credentials = secrets.open<Record<string, string>>(channel.id, channel.credentials_enc);
    if (!credentials.accessToken) return undefined;
    return new ShopifyInventory({
      apiUrl: channel.api_url,
      accessToken: credentials.accessToken,
      locationId: credentials.locationId,
    });
  };
}

/** `ordersync worker`: pushes continuously (a 100 ms poll of the due-levels index). */
export const startStockPusher = (deps: StockPushDeps) => new StockPusher(deps.db, stockTargets(deps)).start();

/** `serve` (the embedded default) has no module workers: a pass on each scheduler tick instead. */
export function stockPushJob(deps: StockPushDeps): ScheduledJob {
  const pusher = new StockPusher(deps.db, stockTargets(deps));
  return { name: 'channels-stock-push', run: () => pusher.runOnce() };
}
