import type { Channel, ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { FastifyBaseLogger } from 'fastify';
import { UUID_PATTERN } from '../../platform/ids.js';
import { ackAfter, type Brokers, safely } from '../sync/index.js';
import { type Intake, intakeUnavailable, queueFull, type SettleTicket } from './intake.js';

type AmqpLink = NonNullable<Brokers['amqp']>;

const REOPEN_MS = 250;
const RETRY_DELAY_MS = 1_000;
const UUID = new RegExp(UUID_PATTERN);

/**
 * The queued intake on RabbitMQ (`INTAKE=amqp`): API processes publish each accepted ticket's id to a
 * durable queue, and consumers (`ordersync worker`, or `serve` when it runs the workers in process)
 * place the orders. Every process sees the same queue, so the bound holds across all of them.
 *
 * - Bound: the queue is declared with `x-max-length` = INTAKE_QUEUE_BOUND and `x-overflow:
 *   reject-publish`, so a publish past the bound is nacked (publisher confirms) and `submit` rejects
 *   with `queue_full`. The bound counts messages waiting, not the ones consumers hold (prefetch).
 * - Messages are persistent and only count as taken on the broker's confirm; a message that cannot
 *   be routed (the queue was deleted) comes back (`mandatory`) and counts as not taken.
 * - A message is acknowledged once its ticket is settled (placed or failed) in the database. After a
 *   crash RabbitMQ delivers it again; a ticket that is no longer `queued` is skipped, and placement is
 *   conditional on the ticket (campaignOrderWrites), so a ticket yields one order at most.
 *
 * Connection loss and reconnects are the shared AmqpLink's; this class only (re)opens its own
 * channels on each connection it is given.
 */
export class AmqpIntake implements Intake {
  readonly kind = 'amqp' as const;
  #connection: ChannelModel | undefined;
  #publisher: ConfirmChannel | undefined;
  #consumer: { channel: Channel; tag: string } | undefined;
  #settle: SettleTicket | undefined;
  readonly #returned = new Set<string>();
  readonly #inHand = new Set<Promise<void>>();
  #closed = false;

  constructor(
    private readonly link: AmqpLink,
    private readonly queue: string,
    private readonly bound: number,
    private readonly log: FastifyBaseLogger,
    private readonly prefetch = 8,
  ) {}

  /** Declares the queue and opens the channels now and after every reconnect; consumes if given `settle`. */
  async start(settle?: SettleTicket): Promise<void> {
    this.#settle = settle;
    await this.link.onConnect((connection) => this.#attach(connection));
    this.link.start();
  }

  // The broker enforces the bound; this process cannot know the queue's length without asking it.
  reserve(): boolean {
    return true;
  }

  release(): void {}

  submit(ticketId: string): Promise<void> {
    const channel = this.#publisher;
    if (!channel) {
      this.link.start();
      return Promise.reject(intakeUnavailable('RabbitMQ is not connected'));
    }
    return new Promise((resolve, reject) => {
      const content = Buffer.from(JSON.stringify({ ticketId }));
      const options = {
        persistent: true,
        mandatory: true,
        messageId: ticketId,
        contentType: 'application/json',
      };
      try {
        channel.sendToQueue(this.queue, content, options, (error: unknown) => {
          // RabbitMQ sends a mandatory message's basic.return before its confirm.
          const returned = this.#returned.delete(ticketId);
          if (error) {
            // A nack is the queue at its bound (reject-publish); anything else is the channel closing
            // before the confirm came: the broker may or may not have the message.
            const nacked = /nacked/.test(String((error as Error)?.message));
            reject(nacked ? queueFull() : intakeUnavailable('the channel closed before the confirm'));
          } else if (returned) {
            reject(intakeUnavailable(`no queue ${this.queue}`));
          } else {
            resolve();
          }
        });
      } catch (error) {
        reject(intakeUnavailable((error as Error).message));
      }
    });
  }

  async depth(): Promise<number> {
    // Answers once this process can publish (the queue is declared): a readiness check too.
    const connection = this.#publisher ? this.#connection : undefined;
    if (!connection) throw intakeUnavailable('RabbitMQ is not connected');
    // A channel of its own: a failed check closes the channel it runs on.
    const channel = await connection.createChannel();
    channel.on('error', () => {});
    try {
      return (await channel.checkQueue(this.queue)).messageCount;
    } finally {
      await channel.close().catch(() => {});
    }
  }

  async close(): Promise<void> {
    this.#closed = true;
    const consumer = this.#consumer;
    this.#consumer = undefined;
    await consumer?.channel.cancel(consumer.tag).catch(() => {});
    await Promise.allSettled([...this.#inHand]);
    await consumer?.channel.close().catch(() => {});
    await this.#publisher?.close().catch(() => {});
    this.#publisher = undefined;
  }

  // Runs inside the link's connect; it must not throw, or the link would treat the connection as failed.
  async #attach(connection: ChannelModel): Promise<void> {
    if (this.#closed) return;
    this.#connection = connection;
    connection.once('close', () => {
      if (this.#connection === connection) this.#connection = undefined;
    });
    await this.#openPublisher(connection);
    if (this.#settle) await this.#openConsumer(connection, this.#settle);
  }

  /**
   * Declares the queue with its bound. A queue that already exists with other arguments (another
   * INTAKE_QUEUE_BOUND) cannot be redeclared (406): it is used as it is, and a warning says so.
   */
  async #declare(connection: ChannelModel): Promise<ConfirmChannel> {
    const channel = await connection.createConfirmChannel();
    channel.on('error', () => {});
    try {
      await channel.assertQueue(this.queue, {
        durable: true,
        arguments: { 'x-max-length': this.bound, 'x-overflow': 'reject-publish' },
      });
      return channel;
    } catch (error) {
      this.log.warn(
        { err: error, queue: this.queue },
        'intake queue exists with other arguments (another INTAKE_QUEUE_BOUND?); using it as it is',
      );
      const again = await connection.createConfirmChannel();
      again.on('error', () => {});
      await again.checkQueue(this.queue);
      return again;
    }
  }

  async #openPublisher(connection: ChannelModel): Promise<void> {
    try {
      const channel = await this.#declare(connection);
      channel.on('return', (msg: ConsumeMessage) => {
        if (msg.properties.messageId) this.#returned.add(String(msg.properties.messageId));
      });
      channel.once('close', () => {
        if (this.#publisher !== channel) return;
        this.#publisher = undefined;
        this.#reopen(connection, () => this.#openPublisher(connection));
      });
      this.#publisher = channel;
    } catch (error) {
      this.log.error({ err: error, queue: this.queue }, 'intake: cannot open the publishing channel');
      this.#reopen(connection, () => this.#openPublisher(connection));
    }
  }

  async #openConsumer(connection: ChannelModel, settle: SettleTicket): Promise<void> {
    try {
      const channel = await connection.createChannel();
      channel.on('error', () => {});
      await channel.prefetch(this.prefetch);
      const { consumerTag } = await channel.consume(this.queue, (msg) => {
        if (!msg) {
          this.log.warn({ queue: this.queue }, 'intake: the broker cancelled the consumer (queue deleted?)');
          return;
        }
        const work = this.#handle(channel, msg, settle);
        this.#inHand.add(work);
        void work.finally(() => this.#inHand.delete(work));
      });
      this.#consumer = { channel, tag: consumerTag };
      channel.once('close', () => {
        if (this.#consumer?.channel !== channel) return;
        this.#consumer = undefined;
        this.#reopen(connection, () => this.#openConsumer(connection, settle));
      });
    } catch (error) {
      this.log.error({ err: error, queue: this.queue }, 'intake: cannot consume');
      this.#reopen(connection, () => this.#openConsumer(connection, settle));
    }
  }

  /** A channel closed on a connection still up (a channel error): open it again shortly. */
  #reopen(connection: ChannelModel, open: () => Promise<void>): void {
    setTimeout(() => {
      if (!this.#closed && this.#connection === connection) void open();
    }, REOPEN_MS).unref();
  }

  async #handle(channel: Channel, msg: ConsumeMessage, settle: SettleTicket): Promise<void> {
    let ticketId: unknown;
    try {
      ticketId = (JSON.parse(msg.content.toString('utf8')) as { ticketId?: unknown }).ticketId;
    } catch {
      // not JSON: falls through to the check below
    }
    // Refused for good: redelivering a message that can never name a ticket would loop for ever.
    if (typeof ticketId !== 'string' || !UUID.test(ticketId)) {
      this.log.warn({ queue: this.queue }, 'intake: dropped a message without a ticket id');
      safely(() => channel.reject(msg, false));
      return;
    }
    await ackAfter(
      channel,
      msg,
      () => settle(ticketId),
      // The ticket could not be settled (the database is away): RabbitMQ keeps it for another try.
      (error) =>
        this.log.error({ err: error, ticketId }, 'intake: ticket not settled; it will be redelivered'),
      RETRY_DELAY_MS,
    );
  }
}
