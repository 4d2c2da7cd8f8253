import type { Config } from '../../platform/config.js';
import { WebhookTargets } from '../sync/index.js';
import { SpApiClient, type SpLimits } from './amazon/sp-api-client.js';
import { channelCredentials } from './channel-accounts.js';
import { type ChannelFetch, guardedChannelFetch } from './channel-fetch.js';
import { ChannelSecrets } from './channel-secrets.js';
import type { ChannelRow } from './channels.repository.js';

export type ChannelClientConfig = Pick<Config, 'channelSecretsKey' | 'sync'>;

const AMAZON_NA = 'https://sellingpartnerapi-na.amazon.com';
const perConfig = new WeakMap<ChannelClientConfig, ChannelClients>();

/**
 * What talking to a channel's API takes, made once per process from the config: the key that opens
 * the channel's credentials, fetch behind the outbound guard (WEBHOOK_ALLOWED_HOSTS), and one
 * SP-API client per Amazon channel (its token buckets must be shared by whoever calls Amazon).
 */
export class ChannelClients {
  readonly secrets: ChannelSecrets;
  readonly fetch: ChannelFetch;
  readonly #allowed: WebhookTargets;
  readonly #amazon = new Map<string, SpApiClient>();

  constructor(
    config: ChannelClientConfig,
    private readonly amazonLimits?: SpLimits,
  ) {
    this.secrets = new ChannelSecrets(config.channelSecretsKey);
    this.fetch = guardedChannelFetch(config.sync.webhookAllowedHosts);
    this.#allowed = new WebhookTargets(config.sync.webhookAllowedHosts);
  }

  /** The process's one set (jobs and consumers get the same config object): Amazon's quotas are shared. */
  static of(config: ChannelClientConfig): ChannelClients {
    const known = perConfig.get(config);
    if (known) return known;
    const clients = new ChannelClients(config);
    perConfig.set(config, clients);
    return clients;
  }

  credentials(channel: ChannelRow): Record<string, string> {
    return channelCredentials(this.secrets, channel);
  }

  /** The channel's SP-API client, made again when the account changed (its version). */
  amazon(channel: ChannelRow): SpApiClient {
    const key = `${channel.id}:${channel.version}`;
    let client = this.#amazon.get(key);
    if (!client) {
      const c = this.credentials(channel);
      client = new SpApiClient({
        endpoint: channel.api_url ?? AMAZON_NA,
        clientId: c.clientId ?? '',
        clientSecret: c.clientSecret ?? '',
        refreshToken: c.refreshToken ?? '',
        marketplaceId: c.marketplaceId ?? 'ATVPDKIKX0DER',
        ...(c.lwaTokenUrl ? { tokenUrl: c.lwaTokenUrl } : {}),
        ...(this.amazonLimits ? { limits: this.amazonLimits } : {}),
        allowHost: (host) => this.#allowed.addressRefusal(host, host) === null,
      });
      this.#amazon.set(key, client);
    }
    return client;
  }
}
