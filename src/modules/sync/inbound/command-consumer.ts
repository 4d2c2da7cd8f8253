import type { Channel, ChannelModel, ConsumeMessage } from 'amqplib';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../../platform/db/database.js';
import type { CommandHandlers } from '../../../platform/module.js';
import { type AmqpLink, ackAfter, safely } from '../transports/amqp-link.js';
import { applyCommand } from './apply-command.js';
import type { InboundMessage } from './inbox.js';

const RETRY_DELAY_MS = 1_000;

/**
 * Reads a message as an inbound command. Accepted shapes: the CloudEvents AMQP binding (binary:
 * `cloudEvents:id|source|type` headers, JSON data in the body), structured CloudEvents JSON
 * (`application/cloudevents+json`), or plain AMQP properties (`message-id`, `type`, `app-id` as the
 * source) with a JSON body. Without a message id a command cannot be deduplicated, so it is refused.
 */
export function toInboundMessage(
  msg: Pick<ConsumeMessage, 'content' | 'properties'>,
): InboundMessage | string {
  const headers = (msg.properties.headers ?? {}) as Record<string, unknown>;
  const text = (v: unknown) =>
    typeof v === 'string' && v.length > 0 ? v : Buffer.isBuffer(v) ? v.toString() : undefined;
  let body: unknown;
  try {
    body = JSON.parse(msg.content.toString('utf8'));
  } catch {
    return 'the body is not JSON';
  }
  if (String(msg.properties.contentType ?? '').startsWith('application/cloudevents+json')) {
    const e = body as Record<string, unknown>;
    const [messageId, source, type] = [text(e.id), text(e.source), text(e.type)];
    if (!messageId || !type) return 'a structured CloudEvent needs id and type';
    return { messageId, source: source ?? 'amqp', type, payload: e.data ?? null };
  }
  const messageId = text(headers['cloudEvents:id']) ?? text(msg.properties.messageId);
  const type = text(headers['cloudEvents:type']) ?? text(msg.properties.type);
  const source = text(headers['cloudEvents:source']) ?? text(msg.properties.appId) ?? 'amqp';
  if (!messageId) return 'no message id (message-id property or cloudEvents:id header)';
  if (!type) return 'no command type (type property or cloudEvents:type header)';
  return { messageId, source, type, payload: body };
}

/**
 * Consumes the command queue (durable) and applies each command once through the inbox. Commands are
 * applied one at a time in arrival order, so two stock counts of one SKU land in the order sent. A
 * message is acknowledged only after its transaction committed; if the process dies first, RabbitMQ
 * delivers it again and the inbox recognises it.
 */
export class CommandConsumer {
  #chain: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(
    private readonly db: Db,
    private readonly link: AmqpLink,
    private readonly queue: string,
    private readonly handlers: CommandHandlers,
    private readonly log: FastifyBaseLogger,
  ) {}

  async start(): Promise<void> {
    await this.link.onConnect((connection) => this.#subscribe(connection));
    this.link.start();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#chain;
  }

  async #subscribe(connection: ChannelModel): Promise<void> {
    const channel = await connection.createChannel();
    channel.on('error', () => {});
    await channel.assertQueue(this.queue, { durable: true });
    await channel.prefetch(16);
    await channel.consume(this.queue, (msg) => {
      if (!msg) return;
      this.#chain = this.#chain.then(() => this.#handle(channel, msg));
    });
  }

  async #handle(channel: Channel, msg: ConsumeMessage): Promise<void> {
    if (this.#stopped) return;
    const message = toInboundMessage(msg);
    if (typeof message === 'string') {
      this.log.warn({ queue: this.queue, reason: message }, 'command refused: not a command');
      safely(() => channel.reject(msg, false));
      return;
    }
    await ackAfter(
      channel,
      msg,
      async () => {
        const result = await applyCommand(this.db, message, this.handlers);
        if (result.outcome === 'rejected') {
          this.log.warn({ ...message, payload: undefined, reason: result.reason }, 'command rejected');
        }
      },
      (error) =>
        this.log.error(
          { err: error, messageId: message.messageId },
          'command failed; it will be redelivered',
        ),
      RETRY_DELAY_MS,
    );
  }
}
