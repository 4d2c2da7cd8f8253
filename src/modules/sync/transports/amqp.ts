import { cloudEventAttributes, type RelayEvent } from '../cloud-event.js';
import { shortType } from '../event-patterns.js';
import type { AmqpLink } from './amqp-link.js';
import type { DeliveryTarget, Transport } from './transport.js';

/**
 * RabbitMQ, in the CloudEvents AMQP binding's binary mode: the body is the event's data as JSON, each
 * attribute is a `cloudEvents:`-prefixed header, `message-id` is the event id (consumers dedupe by it)
 * and the routing key is the event type without its prefix (`order.placed`), so a queue bound with
 * `order.*` gets every order event. Persistent, on a durable topic exchange, and a delivery only once the
 * publisher confirm has come.
 */
export class AmqpTransport implements Transport {
  readonly kind = 'amqp' as const;

  constructor(private readonly link: AmqpLink) {}

  ready(): boolean {
    return this.link.ready();
  }

  send(_target: DeliveryTarget, event: RelayEvent): Promise<void> {
    const a = cloudEventAttributes(event);
    return this.link.publish(shortType(a.type), Buffer.from(event.dataJson), {
      persistent: true,
      messageId: a.id,
      contentType: 'application/json',
      type: a.type,
      appId: 'ordersync',
      timestamp: Math.floor(event.time.getTime() / 1000),
      headers: {
        'cloudEvents:specversion': a.specversion,
        'cloudEvents:id': a.id,
        'cloudEvents:source': a.source,
        'cloudEvents:type': a.type,
        'cloudEvents:subject': a.subject,
        'cloudEvents:time': a.time,
        'cloudEvents:sequence': a.sequence,
      },
    });
  }
}
