import type { FastifyBaseLogger } from 'fastify';
import {
  connect,
  DebugEvents,
  Events,
  headers,
  type JetStreamClient,
  type NatsConnection,
  type NatsError,
  nanos,
} from 'nats';
import { Reconnect } from './reconnect.js';
import { DeliveryFailure } from './transport.js';

const PUBLISH_TIMEOUT_MS = 5_000;

/**
 * One NATS connection with JetStream. The client library reconnects by itself once connected; until
 * the first connection succeeds this retries with backoff. At connect it makes sure the stream over
 * `ordersync.>` exists. `publish` resolves on the stream's PubAck, i.e. once JetStream has stored it.
 */
export class NatsLink {
  #connection: NatsConnection | undefined;
  #js: JetStreamClient | undefined;
  #up = false;
  readonly #reconnect = new Reconnect(() => this.#connect());

  constructor(
    private readonly servers: string,
    readonly stream: string,
    private readonly log: FastifyBaseLogger,
    private readonly name = 'ordersync',
  ) {}

  start(): void {
    if (!this.#connection) this.#reconnect.start();
  }

  ready(): boolean {
    return this.#up && this.#js !== undefined;
  }

  waitUntilReady(timeoutMs: number): Promise<boolean> {
    return this.#reconnect.waitUntil(() => this.ready(), timeoutMs);
  }

  async publish(subject: string, data: Uint8Array, msgId: string): Promise<void> {
    const js = this.#js;
    if (!js || !this.#up) {
      this.start();
      throw new DeliveryFailure(
        `NATS is not connected (${this.#reconnect.lastError ?? 'connecting'})`,
        'unavailable',
      );
    }
    const h = headers();
    h.set('content-type', 'application/cloudevents+json');
    try {
      // msgID becomes the Nats-Msg-Id header: JetStream drops a repeat within its duplicate window.
      await js.publish(subject, data, { msgID: msgId, headers: h, timeout: PUBLISH_TIMEOUT_MS });
    } catch (error) {
      const e = error as NatsError;
      // Without an ack we cannot know whether the stream has it: treat as our link's problem.
      const ours =
        !this.#up || e.code === 'TIMEOUT' || e.code === '503' || /timeout|disconnect|closed/i.test(e.message);
      throw new DeliveryFailure(`JetStream publish failed: ${e.message}`, ours ? 'unavailable' : 'rejected');
    }
  }

  async check(): Promise<{ ok: boolean; detail?: string }> {
    if (this.ready()) return { ok: true };
    this.start();
    return { ok: false, detail: this.#reconnect.lastError ?? 'connecting' };
  }

  /** The live connection, for tests and the bench that read the stream back. */
  get connection(): NatsConnection | undefined {
    return this.#connection;
  }

  async close(): Promise<void> {
    await this.#reconnect.close();
    const connection = this.#connection;
    this.#connection = undefined;
    this.#js = undefined;
    this.#up = false;
    await connection?.close().catch(() => {});
  }

  /** One attempt (see Reconnect); once connected, the client library reconnects by itself. */
  async #connect(): Promise<void> {
    const connection = await connect({
      servers: this.servers.replace(/^nats:\/\//, ''),
      name: this.name,
      reconnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
    });
    if (this.#reconnect.closed) {
      await connection.close();
      return;
    }
    try {
      const jsm = await connection.jetstreamManager();
      await jsm.streams.info(this.stream).catch(async () => {
        // Kept a week by default (consumers replay from it); an existing stream keeps its own settings.
        await jsm.streams.add({
          name: this.stream,
          subjects: ['ordersync.>'],
          max_age: nanos(7 * 86_400_000),
        });
      });
    } catch (error) {
      await connection.close().catch(() => {});
      throw error;
    }
    this.#connection = connection;
    this.#js = connection.jetstream();
    this.#up = true;
    void this.#watch(connection);
  }

  async #watch(connection: NatsConnection): Promise<void> {
    for await (const status of connection.status()) {
      if (status.type === Events.Disconnect || status.type === DebugEvents.Reconnecting) {
        if (this.#up) this.log.warn({ servers: this.servers }, 'NATS connection lost; reconnecting');
        this.#up = false;
        this.#reconnect.lastError = 'disconnected';
      } else if (status.type === Events.Reconnect) {
        this.#up = true;
        this.#reconnect.lastError = undefined;
        this.log.info({ servers: this.servers }, 'NATS reconnected');
      }
    }
  }
}
