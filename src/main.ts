import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import pino from 'pino';
import { buildApp } from './app.js';
import { type AppServices, buildServices } from './app-services.js';
import { Brokers, startSyncWorkers } from './modules/sync/index.js';
import {
  type AppModule,
  modules as allModules,
  commandHandlersOf,
  consumersOf,
  orderHooksOf,
} from './modules.js';
import { countApiKeys, createApiKey, hashKey } from './platform/auth/api-keys.js';
import type { Config } from './platform/config.js';
import { connectDatabase, type DatabaseHandle } from './platform/db/connect.js';
import type { Db } from './platform/db/database.js';
import { migrateToLatest } from './platform/db/migrate.js';
import { privateLogOptions } from './platform/privacy/private-logging.js';
import { lowerProcessPriority } from './platform/process-priority.js';
import { connectRedis } from './platform/redis.js';
import { type ScheduledJob, Scheduler } from './platform/scheduler.js';
import { type DemoOrders, isCatalogEmpty, seedDemoData, seedDemoOrders } from './seed.js';

export async function openDatabase(config: Config): Promise<DatabaseHandle> {
  return connectDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: `${config.dataDir}/pglite`,
    poolSize: config.databasePoolSize,
    pgliteSettings: config.pgliteSettings,
  });
}

/**
 * Makes sure an admin can get in: ORDERSYNC_ADMIN_KEY is registered if given; on an empty key table
 * without it, a key is generated and returned so the caller can print it once.
 */
export async function ensureAdminKey(db: Db, config: Config): Promise<string | undefined> {
  if (config.adminKey) {
    const known = await db
      .selectFrom('api_keys')
      .select('id')
      .where('key_hash', '=', hashKey(config.adminKey))
      .executeTakeFirst();
    if (!known)
      await createApiKey(db, { name: 'admin (ORDERSYNC_ADMIN_KEY)', role: 'admin', key: config.adminKey });
    return undefined;
  }
  if ((await countApiKeys(db)) > 0) return undefined;
  return (await createApiKey(db, { name: 'first admin', role: 'admin' })).key;
}

export interface Running {
  app: FastifyInstance;
  url: string;
  stop(): Promise<void>;
}

/** Starts the HTTP server and the in-process scheduler on an already migrated database. */
export async function serve(config: Config, handle: DatabaseHandle): Promise<Running> {
  const redis = config.redisUrl ? connectRedis(config.redisUrl) : undefined;
  const brokers = new Brokers(config.sync, pino(privateLogOptions(config.logLevel)));
  const app = await buildApp({ db: handle.db, dbKind: handle.kind, config, redis, brokers });
  const scheduler = new Scheduler(scheduledJobs(app.services), config.schedulerIntervalMs, app.log);
  const url = await app.listen({ port: config.port, host: config.host });
  scheduler.start();
  // The relay in-process: the embedded default (PGlite is one process); optional beside `ordersync worker`.
  const sync = config.sync.relayInProcess
    ? await startSyncWorkers({
        handle,
        config,
        brokers,
        log: app.log,
        commandHandlers: commandHandlersOf(allModules),
        consumers: consumersOf(allModules, app.services),
      })
    : undefined;
  const workers = config.sync.relayInProcess
    ? allModules.filter((m) => m.workerInServe).flatMap((m) => m.worker?.(app.services) ?? [])
    : [];
  return {
    app,
    url,
    async stop() {
      await sync?.stop();
      for (const w of workers) await w.stop();
      await scheduler.stop();
      await app.close();
      await brokers.close();
      redis?.disconnect();
      await handle.close();
    },
  };
}

/** The services the modules' jobs and workers get in `ordersync worker`, which has no HTTP app. */
function processServices(
  handle: DatabaseHandle,
  config: Config,
  log: FastifyBaseLogger,
  redis: Redis | undefined,
  brokers: Brokers,
  modules: readonly AppModule[] = allModules,
): AppServices {
  return buildServices({ db: handle.db, dbKind: handle.kind, config, log, redis, brokers }, (services) =>
    orderHooksOf(modules, services),
  );
}

/** Every module's scheduled jobs; `serve` and `worker` run the same ones (each is safe in several processes). */
export function scheduledJobs(
  services: AppServices,
  modules: readonly AppModule[] = allModules,
): ScheduledJob[] {
  return modules.flatMap((m) => m.jobs?.(services) ?? []);
}

/**
 * `ordersync worker`: the relay, the command consumer and the scheduler, without HTTP. Production runs
 * as many as it likes beside stateless API processes (RELAY_IN_PROCESS=false there).
 */
export async function worker(
  config: Config,
  modules: readonly AppModule[] = allModules,
): Promise<{ relayId: string; stop(): Promise<void> }> {
  // WORKER_NICE: beside API processes on the same cores, the worker gives way while they are busy.
  lowerProcessPriority(config.sync.workerNice);
  const handle = await openDatabase(config);
  const log = pino(privateLogOptions(config.logLevel));
  const redis = config.redisUrl ? connectRedis(config.redisUrl) : undefined;
  const brokers = new Brokers(config.sync, log);
  const services = processServices(handle, config, log, redis, brokers, modules);
  const sync = await startSyncWorkers({
    handle,
    config,
    brokers,
    log,
    commandHandlers: commandHandlersOf(modules),
    consumers: consumersOf(modules, services),
  });
  const workers = modules.flatMap((m) => m.worker?.(services) ?? []);
  const scheduler = new Scheduler(scheduledJobs(services, modules), config.schedulerIntervalMs, log);
  scheduler.start();
  log.info({ relay: sync.relay.id, database: handle.kind }, 'worker started');
  return {
    relayId: sync.relay.id,
    async stop() {
      await sync.stop();
      for (const w of workers) await w.stop();
      await scheduler.stop();
      // what the app's close does in serve: refusals counted but not yet written, while the database is open
      await services.marketRules.writeRefusals().catch((error) => {
        log.error({ err: error }, 'market-rule refusals not written at stop: the report misses them');
      });
      await brokers.close();
      redis?.disconnect();
      await handle.close();
    },
  };
}

/**
 * What `npm start` does before serving: migrate and load demo data into an empty database. The admin
 * key comes after the API listens (ensureAdminKey), so a start that fails creates none.
 */
export async function prepare(handle: DatabaseHandle): Promise<Prepared> {
  await migrateToLatest(handle.db, allModules);
  const seeded = (await isCatalogEmpty(handle.db)) ? await seedDemoData(handle.db) : undefined;
  return { seeded };
}

export interface Prepared {
  seeded: Awaited<ReturnType<typeof seedDemoData>> | undefined;
  /** The demo's orders, placed once the app runs (seedDemoOrders). */
  orders?: DemoOrders | undefined;
  /** The admin key made by this start, printed once in the banner. */
  newKey?: string | undefined;
}

/** The lines `npm start` prints once the API answers. */
export function startBanner(config: Config, url: string, prepared: Prepared): string {
  const lines = [
    '',
    `OrderSync is running on ${url} (database: ${config.databaseUrl ? 'PostgreSQL' : `embedded PGlite in ${config.dataDir}`})`,
    `  Console:    ${url}/admin`,
    `  API docs:   ${url}/docs`,
    `  Health:     ${url}/healthz`,
  ];
  const { seeded, orders, newKey } = prepared;
  if (seeded)
    lines.push(
      `  Demo data:  ${seeded.products} products, ${seeded.skus} SKUs, ${seeded.warehouses} warehouses${orders ? `, ${orders.history + orders.today} orders (${orders.today} today)` : ''}`,
    );
  if (newKey) lines.push(`  Admin key:  ${newKey}   (shown once; keep it)`);
  return `${lines.join('\n')}\n\n`;
}

/** `npm start` in one process: prepare, serve, make the first admin key if there is none, print both. */
export async function start(config: Config): Promise<Running> {
  const handle = await openDatabase(config);
  const prepared = await prepare(handle);
  const running = await serve(config, handle);
  const orders = await demoOrders(running, prepared, config);
  // Made only now that the API answers, and printed at once: a key no one was shown would lock the
  // first user out for good, since a later start sees a key and makes none.
  const newKey = await ensureAdminKey(handle.db, config);
  process.stdout.write(startBanner(config, running.url, { ...prepared, orders, newKey }));
  return running;
}

/**
 * The demo's orders on a database this start just filled with the demo catalog, once the app runs
 * (its relay's consumers see their events, as they would a buyer's). Paid with the sandbox provider,
 * so only where it is on: the embedded default, or PAYMENT_SANDBOX=true with DATABASE_URL; not with
 * DEMO_ORDERS=false (the benchmarks: their counts are their own orders). A failure costs the demo its
 * orders, not the start (nor the admin key printed next).
 */
async function demoOrders(running: Running, prepared: Prepared, config: Config) {
  if (!prepared.seeded || !config.providers.sandbox || !config.demoOrders) return undefined;
  return seedDemoOrders(running.app.services, prepared.seeded.skuCodes).catch((error: unknown) => {
    running.app.log.warn({ err: error }, 'the demo orders could not be placed');
    return undefined;
  });
}
