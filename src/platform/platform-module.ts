import { type ApiKeyDeps, apiKeyRoutes } from './auth/api-keys.routes.js';
import { platformMigrations } from './db/migrations/index.js';
import type { Module } from './module.js';

/** The platform's share of the module list: its tables (API keys, idempotency) and the API-key routes. */
export const platformModule = {
  name: 'platform',
  migrations: platformMigrations,
  routes: [apiKeyRoutes],
} satisfies Module<ApiKeyDeps>;
