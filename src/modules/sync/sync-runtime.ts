import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../platform/config.js';
import type { DatabaseHandle } from '../../platform/db/connect.js';
import type { CommandHandlers } from '../../platform/module.js';
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
}): Promise<SyncWorkers> {
  const { handle, config, brokers, log } = options;
  brokers.start();
  const relay = new Relay(handle.db, config.sync, brokers.transports(), log);
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
