import {
  type Channel,
  type ChannelModel,
  type ConfirmChannel,
  type ConsumeMessage,
  connect,
  type Options,
} from 'amqplib';
import type { FastifyBaseLogger } from 'fastify';
import { DeliveryFailure } from './transport.js';

type Setup = (connection: ChannelModel) => Promise<void>;

const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 30_000;

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
  #connecting: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #failures = 0;
  #closed = false;
  #lastError: string | undefined;
  readonly #setups: Setup[] = [];

  constructor(
    private readonly url: string,
    readonly exchange: string,
    private readonly log: FastifyBaseLogger,
    private readonly name = 'ordersync',
  ) {}

  /** Starts connecting in the background (idempotent). */
  start(): void {
    if (this.#closed || this.#connection || this.#connecting || this.#timer) return;
    this.#connecting = this.#connect().finally(() => {
      this.#connecting = undefined;
    });
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
  async waitUntilReady(timeoutMs: number): Promise<boolean> {
    this.start();
    const deadline = Date.now() + timeoutMs;
    while (!this.ready() && Date.now() < deadline && !this.#closed) await sleep(25);
    return this.ready();
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
        new DeliveryFailure(`RabbitMQ is not connected (${this.#lastError ?? 'connecting'})`, 'unavailable'),
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
    return { ok: false, detail: this.#lastError ?? 'connecting' };
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#connecting?.catch(() => {});
    const connection = this.#connection;
    this.#drop();
    await connection?.close().catch(() => {});
  }

  async #connect(): Promise<void> {
    try {
      const connection = await connect(this.url, { clientProperties: { connection_name: this.name } });
      if (this.#closed) {
        await connection.close().catch(() => {});
        return;
      }
      connection.on('error', (error: Error) => {
        this.#lastError = error.message;
      });
      connection.on('close', (error?: Error) => this.#lost(connection, error));
      const channel = await connection.createConfirmChannel();
      channel.on('error', (error: Error) => {
        this.#lastError = error.message;
      });
      channel.on('close', () => this.#lost(connection, new Error('channel closed')));
      await channel.assertExchange(this.exchange, 'topic', { durable: true });
      this.#connection = connection;
      for (const setup of this.#setups) await setup(connection);
      this.#channel = channel;
      if (this.#failures > 0) this.log.info({ exchange: this.exchange }, 'RabbitMQ reconnected');
      this.#failures = 0;
      this.#lastError = undefined;
    } catch (error) {
      this.#lastError = (error as Error).message;
      this.#drop();
      this.#scheduleReconnect();
    }
  }

  #lost(connection: ChannelModel, error?: Error): void {
    if (this.#connection !== connection && this.#connection !== undefined) return;
    if (error) this.#lastError = error.message;
    const wasUp = this.#channel !== undefined;
    this.#drop();
    connection.close().catch(() => {});
    if (this.#closed) return;
    if (wasUp) this.log.warn({ err: error }, 'RabbitMQ connection lost; reconnecting');
    this.#scheduleReconnect();
  }

  #drop(): void {
    this.#channel = undefined;
    this.#connection = undefined;
  }

  #scheduleReconnect(): void {
    if (this.#closed || this.#timer) return;
    const backoff = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** this.#failures);
    this.#failures++;
    const delay = backoff * (0.5 + Math.random() * 0.5);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.start();
    }, delay);
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
