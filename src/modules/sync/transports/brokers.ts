import type { FastifyBaseLogger } from 'fastify';
import pino from 'pino';
import type { SyncConfig } from '../../../platform/sync-config.js';
import { AmqpTransport } from './amqp.js';
import { AmqpLink } from './amqp-link.js';
import { NatsTransport } from './nats.js';
import { NatsLink } from './nats-link.js';
import type { TransportSet } from './transport.js';
import { WebhookTransport } from './webhook.js';
import { WebhookTargets } from './webhook-targets.js';

export interface BrokerCheck {
  name: string;
  ok: boolean;
  detail?: string;
}

/**
 * The process's links to the configured brokers, shared by the relay, the command consumer and
 * `/readyz`. Links connect lazily: on first use, or `start()`.
 */
export class Brokers {
  readonly amqp: AmqpLink | undefined;
  readonly nats: NatsLink | undefined;

  constructor(
    readonly config: SyncConfig,
    log: FastifyBaseLogger = pino({ level: 'silent' }),
    name = 'ordersync',
  ) {
    this.amqp = config.amqpUrl ? new AmqpLink(config.amqpUrl, config.amqpExchange, log, name) : undefined;
    this.nats = config.natsUrl ? new NatsLink(config.natsUrl, config.natsStream, log, name) : undefined;
  }

  start(): void {
    this.amqp?.start();
    this.nats?.start();
  }

  /** Every transport this process can offer: webhooks always, brokers when configured (and connecting). */
  transports(): TransportSet {
    this.start();
    return {
      webhook: new WebhookTransport(
        this.config.webhookTimeoutMs,
        this.config.webhookMaxConnections,
        new WebhookTargets(this.config.webhookAllowedHosts),
      ),
      ...(this.amqp ? { amqp: new AmqpTransport(this.amqp) } : {}),
      ...(this.nats ? { nats: new NatsTransport(this.nats) } : {}),
    };
  }

  /** One check per configured broker, for `/readyz`. */
  async readiness(): Promise<BrokerCheck[]> {
    const checks: BrokerCheck[] = [];
    if (this.amqp) checks.push({ name: 'rabbitmq', ...(await this.#settle(this.amqp)) });
    if (this.nats) checks.push({ name: 'nats', ...(await this.#settle(this.nats)) });
    return checks;
  }

  async close(): Promise<void> {
    await Promise.all([this.amqp?.close(), this.nats?.close()]);
  }

  // A link asked for the first time gets a moment to connect before it is reported down.
  async #settle(link: AmqpLink | NatsLink): Promise<{ ok: boolean; detail?: string }> {
    if (!link.ready()) await link.waitUntilReady(1000);
    return link.check();
  }
}
