import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AppDeps } from '../../app.js';
import type { Config } from '../../platform/config.js';
import type { Db } from '../../platform/db/database.js';
import type { ScheduledJob } from '../../platform/scheduler.js';

export const orderRoutes: FastifyPluginAsyncTypebox<{ deps: AppDeps }> = async () => {};
export function scheduledOrderJobs(_db: Db, _config: Config): ScheduledJob[] {
  return [];
}
