import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { Config } from '../../platform/config.js';
import type { Db } from '../../platform/db/database.js';
import type { Module } from '../../platform/module.js';
import type { ScheduledJob } from '../../platform/scheduler.js';
import type { OrderHooks } from '../orders/index.js';
import { type CampaignDeps, campaignRoutes } from './campaigns.routes.js';

import { FlashGate } from './flash-gate.js';
import { FlashSales } from './flash-sales.js';
import { gateReconciler } from './gate-reconciler.js';
import * as m1122_0900 from './migrations/20261122_0900_campaigns.js';
import { type IntakeDeps, openIntake } from './open-intake.js';
import { staleTicketSweeper } from './stale-tickets.js';

export { type ExpectedCampaign, expectedCampaignOrders } from './campaign-outlook.js';

/** The campaign jobs a scheduler runs: failing lost tickets, and keeping Redis counters honest. */
export function scheduledCampaignJobs(db: Db, redis: Redis | undefined, config: Config): ScheduledJob[] {
  const gate = redis ? new FlashGate(redis) : undefined;
  return [
    staleTicketSweeper(db, gate, config.intakeTicketTimeoutSeconds),
    ...(gate ? [gateReconciler(db, gate)] : []),
  ];
}

/**
 * `ordersync worker`'s share of flash sales: with INTAKE=amqp it consumes the intake queue and
 * places the queued orders. Nothing to do otherwise (a memory intake lives in its API process).
 */
export function startCampaignIntake(
  deps: IntakeDeps & { db: Db; redis: Redis | undefined; orderHooks: Pick<OrderHooks, 'onPlacing'> },
): { stop(): Promise<void> } | undefined {
  if (deps.config.intake !== 'amqp') return undefined;
  const gate = deps.redis ? new FlashGate(deps.redis) : undefined;
  const sales = new FlashSales(deps.db, deps.config, gate, (settle) => openIntake(deps, settle, true), {
    onPlacing: deps.orderHooks.onPlacing,
    mergeOrders: deps.config.databaseUrl !== undefined,
  });
  deps.log.info({ queue: deps.config.intakeAmqpQueue }, 'campaign intake consumer started');
  return { stop: () => sales.intake.close() };
}

export const campaignsModule = {
  name: 'campaigns',
  migrations: {
    '20261122_0900_campaigns': m1122_0900,
  },
  routes: [campaignRoutes],
  jobs: (deps) => scheduledCampaignJobs(deps.db, deps.redis, deps.config),
  worker: (deps) => startCampaignIntake(deps),
} satisfies Module<CampaignDeps & { log: FastifyBaseLogger }>;
