import type { Module } from '../../platform/module.js';
import * as m1206_0200 from './migrations/20261206_0200_privacy_requests.js';
import { type PrivacyDeps, privacyRoutes } from './privacy.routes.js';
import { runQueuedRequests } from './privacy-requests.js';
import { type RetentionDeps, retentionJob } from './retention.js';

export { enforceRetention, RETENTION_KINDS, type RetentionKind } from './retention.js';

/**
 * Data subject requests and retention (#17): export and erase a customer's data as jobs with status
 * and events, and delete each kind of data when its term ends. docs/privacy.md maps the personal data.
 */
export const privacyModule = {
  name: 'privacy',
  migrations: { '20261206_0200_privacy_requests': m1206_0200 },
  routes: [privacyRoutes],
  jobs: (deps) => [{ name: 'privacy-requests', run: () => runQueuedRequests(deps.db) }, retentionJob(deps)],
} satisfies Module<PrivacyDeps & RetentionDeps>;
