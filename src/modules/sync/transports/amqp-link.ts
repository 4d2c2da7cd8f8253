import {
  type Channel,
  type ChannelModel,
  type ConfirmChannel,
  type ConsumeMessage,
  connect,
  type Options,
} from 'amqplib';
import type { FastifyBaseLogger } from 'fastify';
import { Reconnect } from './reconnect.js';
import { DeliveryFailure } from './transport.js';

type Setup = (connection: ChannelModel) => Promise<void>;

/**
 * One RabbitMQ connection with a confirm channel, kept up: when the broker closes it (restart,
 * `rabbitmqctl close_all_connections`, a network cut) it reconnects with exponential backoff and
 * jitter, declares the exchange again and re-runs every registered setup (the command consumer).
 * While it is down `ready()` is false and `publish` refuses at once, so the relay leaves AMQP work
 * pending instead of burning attempts on it.
 */
export class AmqpLink {
  #connection: ChannelModel | undefined;
  #channel: ConfirmChannel | undefined;
  readonly #reconnect = new Reconnect(() => this.#connect());
  readonly #setups: Setup[] = [];

  constructor(
    private readonly url: string,
    readonly exchange: string,
    private readonly log: FastifyBaseLogger,
    private readonly name = 'ordersync',
  ) {}

  /** Starts connecting in the background (idempotent). */
  start(): void {
    if (!this.#connection) this.#reconnect.start();
  }

  ready(): boolean {
    return this.#channel !== undefined;
  }

  /** Runs `setup` on the live connection now (if up) and after every reconnect. */
  async onConnect(setup: Setup): Promise<void> {
    this.#setups.push(setup);
    if (this.#connection) await setup(this.#connection);
  }

  /** Waits until connected or `timeoutMs` has passed; says which. */
  waitUntilReady(timeoutMs: number): Promise<boolean> {
    return this.#reconnect.waitUntil(() => this.ready(), timeoutMs);
  }

  /**
   * Publishes and resolves on the broker's confirm: only then has RabbitMQ taken responsibility for
   * the message. A nack rejects; a channel that closes first rejects as `unavailable`.
   */
  publish(routingKey: string, content: Buffer, options: Options.Publish): Promise<void> {
    const channel = this.#channel;
    if (!channel) {
      this.start();
      return Promise.reject(
        new DeliveryFailure(
          `RabbitMQ is not connected (${this.#reconnect.lastError ?? 'connecting'})`,
          'unavailable',
        ),
      );
    }
    return new Promise((resolve, reject) => {
      try {
        channel.publish(this.exchange, routingKey, content, options, (error) => {
          if (!error) return resolve();
          // amqplib reports a nack as "message nacked"; anything else means the channel closed before the
          // confirm came, and the broker may or may not have the message: send it again later.
          const nacked = /nacked/.test(String((error as Error)?.message));
          reject(
            new DeliveryFailure(
              nacked
                ? 'RabbitMQ refused the message (nack)'
                : 'the RabbitMQ channel closed before the confirm',
              nacked ? 'rejected' : 'unavailable',
            ),
          );
        });
      } catch (error) {
        reject(new DeliveryFailure(`publish failed: ${(error as Error).message}`, 'unavailable'));
      }
    });
  }

  async check(): Promise<{ ok: boolean; detail?: string }> {
    if (this.ready()) return { ok: true };
    this.start();
    return { ok: false, detail: this.#reconnect.lastError ?? 'connecting' };
  }

  async close(): Promise<void> {
    await this.#reconnect.close();
    const connection = this.#connection;
    this.#drop();
    await connection?.close().catch(() => {});
  }

  /** One attempt (see Reconnect); throws when it did not get a working channel. */
  async #connect(): Promise<void> {
    try {
      const connection = await connect(this.url, { clientProperties: { connection_name: this.name } });
      if (this.#reconnect.closed) {
        await connection.close().catch(() => {});
        return;
      }
      connection.on('error', (error: Error) => {
        this.#reconnect.lastError = error.message;
      });
      connection.on('close', (error?: Error) => this.#lost(connection, error));
      const channel = await connection.createConfirmChannel();
      channel.on('error', (error: Error) => {
        this.#reconnect.lastError = error.message;
      });
      channel.on('close', () => this.#lost(connection, new Error('channel closed')));
      await channel.assertExchange(this.exchange, 'topic', { durable: true });
      this.#connection = connection;
      for (const setup of this.#setups) await setup(connection);
      this.#channel = channel;
      if (this.#reconnect.failures > 0) this.log.info({ exchange: this.exchange }, 'RabbitMQ reconnected');
    } catch (error) {
      this.#drop();
      throw error;
    }
  }

  #lost(connection: ChannelModel, error?: Error): void {
    if (this.#connection !== connection && this.#connection !== undefined) return;
    if (error) this.#reconnect.lastError = error.message;
    const wasUp = this.#channel !== undefined;
    this.#drop();
    connection.close().catch(() => {});
    if (this.#reconnect.closed) return;
    if (wasUp) this.log.warn({ err: error }, 'RabbitMQ connection lost; reconnecting');
    this.#reconnect.retryLater();
  }

  #drop(): void {
    this.#channel = undefined;
    this.#connection = undefined;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A consumer's settlement of one message: acknowledged once `work` has succeeded; if it threw, given
 * back (nack, requeue) after `retryDelayMs` so a failing dependency is not hammered. The message is
 * redelivered after a crash too, so `work` must be safe to run again.
 */
export async function ackAfter(
  channel: Channel,
  msg: ConsumeMessage,
  work: () => Promise<void>,
  onError: (error: unknown) => void,
  retryDelayMs: number,
): Promise<void> {
  try {
    await work();
    safely(() => channel.ack(msg));
  } catch (error) {
    onError(error);
    await sleep(retryDelayMs);
    safely(() => channel.nack(msg, false, true));
  }
}

/** Acks and rejects on a channel that may be gone: after a reconnect RabbitMQ redelivers what it had not seen acknowledged. */
export function safely(action: () => void): void {
  try {
    action();
  } catch {
    // channel closed
  }
}
