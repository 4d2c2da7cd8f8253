import { type RelayEvent, structuredCloudEvent } from '../cloud-event.js';
import { shortType } from '../event-patterns.js';
import type { NatsLink } from './nats-link.js';
import type { DeliveryTarget, Transport } from './transport.js';

const encoder = new TextEncoder();

/**
 * NATS JetStream: the structured CloudEvents JSON on subject `ordersync.<type>` (`ordersync.order.placed`),
 * `Nats-Msg-Id` = event id so the stream drops a repeat, a delivery only once the PubAck has come.
 */
export class NatsTransport implements Transport {
  readonly kind = 'nats' as const;

  constructor(private readonly link: NatsLink) {}

  ready(): boolean {
    return this.link.ready();
  }

  send(_target: DeliveryTarget, event: RelayEvent): Promise<void> {
    return this.link.publish(
      `ordersync.${shortType(event.type)}`,
      encoder.encode(structuredCloudEvent(event)),
      event.id,
    );
  }
}
