import type { Migration } from 'kysely';
import * as platform from './20261122_0100_platform.js';
import * as statementAssert from './20261124_0200_statement_assert.js';
import * as statementRefuse from './20261124_0300_statement_refuse.js';
import * as idempotencyLease from './20261204_0100_idempotency_lease.js';
import * as channelKeys from './20261204_2345_channel_keys.js';
import * as auditTrail from './20261205_1700_audit_trail.js';

/**
 * The platform's own migrations (API keys, idempotency keys, the SQL helper functions). Each module
 * keeps its own in `src/modules/<name>/migrations/` and lists them in its `Module`.
 */
export const platformMigrations: Record<string, Migration> = {
  '20261122_0100_platform': platform,
  '20261124_0200_statement_assert': statementAssert,
  '20261124_0300_statement_refuse': statementRefuse,
  '20261204_0100_idempotency_lease': idempotencyLease,
  '20261204_2345_channel_keys': channelKeys,
  '20261205_1700_audit_trail': auditTrail,
};
