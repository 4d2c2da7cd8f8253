import type { Redis } from 'ioredis';
import type { Db } from '../../platform/db/database.js';
import type { ScheduledJob } from '../../platform/scheduler.js';
import { FlashGate } from './flash-gate.js';
import { gateReconciler } from './gate-reconciler.js';

export { campaignRoutes } from './campaigns.routes.js';

/** The campaign jobs a scheduler runs: keeping Redis counters honest, when there is a Redis. */
export function scheduledCampaignJobs(db: Db, redis: Redis | undefined): ScheduledJob[] {
  return redis ? [gateReconciler(db, new FlashGate(redis))] : [];
}
