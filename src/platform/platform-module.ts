import { auditRoutes } from './audit/audit.routes.js';
import { auditSealer } from './audit/audit-chain.js';
import { type ApiKeyDeps, apiKeyRoutes } from './auth/api-keys.routes.js';
import type { Config } from './config.js';
import { platformMigrations } from './db/migrations/index.js';
import { idempotencyExpiry } from './http/idempotency-expiry.js';
import type { Module } from './module.js';

/**
 * The platform's share of the module list: its tables (API keys, idempotency, the audit trail), the
 * API-key and audit routes, the job that expires idempotency records and the audit trail's sealer.
 */
export const platformModule = {
  name: 'platform',
  migrations: platformMigrations,
  routes: [apiKeyRoutes, auditRoutes],
  jobs: (deps) => [idempotencyExpiry(deps.db, deps.config.idempotencyRetentionSeconds), auditSealer(deps.db)],
} satisfies Module<ApiKeyDeps & { config: Pick<Config, 'idempotencyRetentionSeconds'> }>;
