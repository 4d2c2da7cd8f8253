import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../platform/config.js';
import type { DatabaseHandle } from '../../platform/db/connect.js';
import type { CommandHandlers, EventConsumer } from '../../platform/module.js';
import { registerConsumers } from './consumers/register-consumers.js';
import { CommandConsumer } from './inbound/command-consumer.js';
import { Relay } from './relay/relay.js';
import { listenForWakeups } from './relay/wakeup.js';
import type { Brokers } from './transports/brokers.js';

export interface SyncWorkers {
  relay: Relay;
  stop(): Promise<void>;
}

/**
 * Starts what moves events in and out of this process: the relay (woken by LISTEN/NOTIFY on
 * PostgreSQL, polling always), and with RabbitMQ configured the command consumer. `serve` runs it
 * in-process; `ordersync worker` runs only this (and the scheduler).
 */
export async function startSyncWorkers(options: {
  handle: DatabaseHandle;
  config: Config;
  brokers: Brokers;
  log: FastifyBaseLogger;
  /** The inbound commands the modules apply (src/modules.ts: commandHandlersOf). */
  commandHandlers: CommandHandlers;
  /** The modules' in-process event consumers (src/modules.ts: consumersOf). */
  consumers: readonly EventConsumer[];
}): Promise<SyncWorkers> {
  const { handle, config, brokers, log } = options;
  brokers.start();
  const consumers = await registerConsumers(handle.db, options.consumers);
  const relay = new Relay(handle.db, config.sync, { ...brokers.transports(), consumer: consumers }, log);
  const listener = handle.pool
    ? listenForWakeups(
        { connectionString: handle.pool.options.connectionString, options: handle.pool.options.options },
        () => relay.wake(),
        log,
      )
    : undefined;
  const consumer = brokers.amqp
    ? new CommandConsumer(handle.db, brokers.amqp, config.sync.amqpCommandQueue, options.commandHandlers, log)
    : undefined;
  await consumer?.start();
  relay.start();
  return {
    relay,
    async stop() {
      await relay.stop();
      await consumer?.stop();
      await listener?.close();
    },
  };
}
