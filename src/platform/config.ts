import path from 'node:path';
import { readChannelSecretsKey } from './channel-secrets-key.js';
import { envReader } from './env-reader.js';
import { loadNotificationConfig, type NotificationConfig } from './notification-config.js';
import { loadProviderConfig, type ProviderConfig } from './provider-config.js';
import { readPseudonymKey } from './pseudonyms.js';
import { loadRetentionConfig, type RetentionConfig } from './retention-config.js';
import { loadSyncConfig, type SyncConfig } from './sync-config.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  databasePoolSize: number;
  /** Embedded PGlite's PostgreSQL settings (`name=value`), after its defaults (pglite-thread.ts). */
  pgliteSettings: string[];
  /** HTTP processes sharing the port (Node cluster); more than one needs PostgreSQL. */
  apiProcesses: number;
  /** How long a process may reuse a SKU's catalog price and status; its own catalog writes clear it. */
  catalogCacheMs: number;
  adminKey: string | undefined;
  logLevel: LogLevel;
  /** Seconds an order may stay unpaid before the scheduler cancels it. */
  orderPaymentTimeoutSeconds: number;
  /** How often the scheduler looks for overdue work, in milliseconds. */
  schedulerIntervalMs: number;
  /** Delivered orders complete by themselves after this many days. */
  orderAutoCompleteDays: number;
  /** Payment providers and carriers: keys, secrets, gateways (provider-config.ts). */
  providers: ProviderConfig;
  /** Redis for flash-sale counters and shared rate limits; without it both stay in process. */
  redisUrl: string | undefined;
  /** Requests per minute per API key and per client address; 0 turns that limit off. */
  rateLimitPerKeyPerMinute: number;
  rateLimitPerAddressPerMinute: number;
  /** How long an Idempotency-Key's attempt holds it before a retry may take it over (a crashed attempt). */
  idempotencyLeaseSeconds: number;
  /** Idempotency-Key records are deleted this long after their first request. */
  idempotencyRetentionSeconds: number;
  /** Wrong API keys an address may present per minute before it gets 429s; 0 turns that limit off. */
  authFailuresPerAddressPerMinute: number;
  /** Campaign orders waiting in the queued intake before new ones get a 429. */
  intakeQueueBound: number;
  /** Where queued campaign orders wait: in this process (`memory`) or in a RabbitMQ queue (`amqp`). */
  intake: 'memory' | 'amqp';
  /** The durable RabbitMQ queue of the `amqp` intake. */
  intakeAmqpQueue: string;
  /** A ticket still queued after this long is failed (its message was lost) and its gate unit given back. */
  intakeTicketTimeoutSeconds: number;
  /** The relay, its transports (AMQP_URL, NATS_URL) and the command consumer (sync-config.ts). */
  sync: SyncConfig;
  /** Encrypts sales channels' credentials at rest (channel-secrets-key.ts); never a known default. */
  channelSecretsKey: string | undefined;
  /** Keys the pseudonyms that stand for a person in counts (pseudonyms.ts); never a known default. */
  pseudonymKey: string | undefined;
  /** How often each Shopify and WooCommerce channel's recent orders are read again. */
  channelReconcileIntervalSeconds: number;
  /** E-mail, SMS and helpdesk notifications (notification-config.ts). */
  notifications: NotificationConfig;
  /** The largest file a channel import takes (bytes as sent, gzipped or not). */
  importMaxBytes: number;
  /** How long an import's worker holds it between checkpoints before another process takes it over. */
  importLeaseSeconds: number;
  /**
   * Lines of a file import per transaction. Smaller on embedded PGlite (1,000), where a batch's
   * statement, its arrays and its rows are copied into the database's WebAssembly memory, which keeps
   * its high-water mark for good, and the server's heap holds two batches at once.
   */
  importBatchLines: number;
  /** How long each kind of personal and operational data is kept (retention-config.ts). */
  retention: RetentionConfig;
  /** `start` places the demo's orders on a database it has just filled with the demo catalog. */
  demoOrders: boolean;
}

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment; every bad value is reported, not just the first. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const problems: string[] = [];

  const { int, duration, name } = envReader(env, problems);

  const databaseUrl = env.DATABASE_URL || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push(`DATABASE_URL: expected a postgres:// or postgresql:// URL`);
  }
  const logLevel = (env.LOG_LEVEL || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    problems.push(`LOG_LEVEL=${JSON.stringify(env.LOG_LEVEL)}: expected one of ${LOG_LEVELS.join(', ')}`);
  }
  const redisUrl = env.REDIS_URL || undefined;
  if (redisUrl && !/^rediss?:\/\//.test(redisUrl))
    problems.push('REDIS_URL: expected a redis:// or rediss:// URL');
  const adminKey = env.ORDERSYNC_ADMIN_KEY || undefined;
  if (adminKey !== undefined && adminKey.length < 16) {
    problems.push('ORDERSYNC_ADMIN_KEY: must be at least 16 characters');
  }
  const intake = (env.INTAKE || (env.AMQP_URL ? 'amqp' : 'memory')) as Config['intake'];
  if (!['memory', 'amqp'].includes(intake)) problems.push('INTAKE: expected memory or amqp');
  if (intake === 'amqp' && !env.AMQP_URL) problems.push('INTAKE=amqp: needs AMQP_URL');
  const intakeAmqpQueue = name('AMQP_INTAKE_QUEUE', 'ordersync.campaign-intake');
  const pgliteSettings = (env.PGLITE_SETTINGS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const setting of pgliteSettings)
    if (!/^[a-z_][a-z0-9_.]*=[\w.-]+$/i.test(setting))
      problems.push(`PGLITE_SETTINGS: ${JSON.stringify(setting)} is not a PostgreSQL name=value setting`);
  const demoOrders = env.DEMO_ORDERS || 'true';
  if (!['true', 'false'].includes(demoOrders)) problems.push('DEMO_ORDERS: expected true or false');

  const config: Config = {
    port: int('PORT', 3000, 0, 65535),
    host: env.HOST || '127.0.0.1',
    dataDir: path.resolve(env.DATA_DIR || './data'),
    databaseUrl,
    databasePoolSize: int('DATABASE_POOL_SIZE', 8, 1, 500),
    pgliteSettings,
    apiProcesses: int('API_PROCESSES', 1, 1, 64),
    catalogCacheMs: int('CATALOG_CACHE_MS', 2000, 0, 3_600_000),
    adminKey,
    logLevel,
    orderPaymentTimeoutSeconds: duration('ORDER_PAYMENT_TIMEOUT', 30 * 60),
    schedulerIntervalMs: int('SCHEDULER_INTERVAL_MS', 5000, 50, 3_600_000),
    orderAutoCompleteDays: int('ORDER_AUTO_COMPLETE_DAYS', 10, 1, 365),
    providers: loadProviderConfig(env, problems),
    redisUrl,
    rateLimitPerKeyPerMinute: int('RATE_LIMIT_PER_KEY', 60_000, 0, 100_000_000),
    rateLimitPerAddressPerMinute: int('RATE_LIMIT_PER_ADDRESS', 60_000, 0, 100_000_000),
    idempotencyLeaseSeconds: duration('IDEMPOTENCY_LEASE', 30, '30s or 2m'),
    idempotencyRetentionSeconds: duration('IDEMPOTENCY_RETENTION', 24 * 3600, '24h or 7d'),
    authFailuresPerAddressPerMinute: int('AUTH_FAILURES_PER_ADDRESS', 20, 0, 1_000_000),
    intakeQueueBound: int('INTAKE_QUEUE_BOUND', 10_000, 1, 10_000_000),
    intake,
    intakeAmqpQueue,
    intakeTicketTimeoutSeconds: duration('INTAKE_TICKET_TIMEOUT', 15 * 60),
    sync: loadSyncConfig(env, problems),
    channelSecretsKey: readChannelSecretsKey(env, problems),
    pseudonymKey: readPseudonymKey(env, problems),
    channelReconcileIntervalSeconds: duration('CHANNEL_RECONCILE_INTERVAL', 600, '600, 10m or 1h'),
    notifications: loadNotificationConfig(
      env,
      problems,
      `http://${env.HOST || '127.0.0.1'}:${env.PORT || 3000}`,
    ),
    importMaxBytes: int('IMPORT_MAX_BYTES', 2 * 1024 ** 3, 1024, 2 ** 50),
    importLeaseSeconds: duration('IMPORT_LEASE', 60, '60s or 5m'),
    importBatchLines: int('IMPORT_BATCH_LINES', databaseUrl ? 5000 : 1000, 100, 100_000),
    retention: loadRetentionConfig(env, problems),
    demoOrders: demoOrders !== 'false',
  };
  if (config.apiProcesses > 1 && !databaseUrl) {
    problems.push(
      'API_PROCESSES: more than one process needs DATABASE_URL (embedded PGlite lives in one process)',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}
