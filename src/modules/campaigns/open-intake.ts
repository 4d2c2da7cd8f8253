import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../platform/config.js';
import type { Brokers } from '../sync/index.js';
import { AmqpIntake } from './amqp-intake.js';
import type { Intake, SettleTicket } from './intake.js';
import { IntakeQueue } from './intake-queue.js';

export interface IntakeDeps {
  config: Config;
  brokers: Brokers;
  log: FastifyBaseLogger;
}

/**
 * The queued intake of a process. `memory`: jobs wait and are placed in this process. `amqp`: this
 * process publishes to the shared RabbitMQ queue, and consumes it too when `consume` says so (an API
 * process that runs the workers in process, RELAY_IN_PROCESS=true; `ordersync worker` always).
 */
export function openIntake(deps: IntakeDeps, settle: SettleTicket, consume: boolean): Intake {
  const { config, brokers, log } = deps;
  if (config.intake === 'memory' || !brokers.amqp) return new IntakeQueue(config.intakeQueueBound, settle);
  const intake = new AmqpIntake(brokers.amqp, config.intakeAmqpQueue, config.intakeQueueBound, log);
  // Connecting happens in the background (the link retries); start only registers the channels.
  intake
    .start(consume ? settle : undefined)
    .catch((error) => log.error({ err: error }, 'intake: start failed'));
  return intake;
}
