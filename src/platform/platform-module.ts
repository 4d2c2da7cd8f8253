import { type ApiKeyDeps, apiKeyRoutes } from './auth/api-keys.routes.js';
import type { Config } from './config.js';
import { platformMigrations } from './db/migrations/index.js';
import { idempotencyExpiry } from './http/idempotency-expiry.js';
import type { Module } from './module.js';

/**
 * The platform's share of the module list: its tables (API keys, idempotency), the API-key routes and
 * the job that expires idempotency records.
 */
export const platformModule = {
  name: 'platform',
  migrations: platformMigrations,
  routes: [apiKeyRoutes],
  jobs: (deps) => [idempotencyExpiry(deps.db, deps.config.idempotencyRetentionSeconds)],
} satisfies Module<ApiKeyDeps & { config: Pick<Config, 'idempotencyRetentionSeconds'> }>;
