import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { type AppServices, buildServices } from './app-services.js';
import { Brokers } from './modules/sync/index.js';
import { type AppModule, modules as allModules, orderHooksOf } from './modules.js';
import { registerAudit } from './platform/audit/audit-recorder.js';
import { registerAuth } from './platform/auth/auth-plugin.js';
import { RoleOperations } from './platform/auth/role-operations.js';
import { documentRoles } from './platform/auth/route-roles.js';
import { whoamiRoutes } from './platform/auth/whoami.routes.js';
import type { Config } from './platform/config.js';
import type { DatabaseKind } from './platform/db/connect.js';
import type { Db } from './platform/db/database.js';
import { registerAdminConsole } from './platform/http/admin-console.js';
import { healthRoutes } from './platform/http/health.routes.js';
import { registerIdempotency } from './platform/http/idempotency.js';
import { clientErrorHandler, frameworkErrors, registerProblemHandlers } from './platform/http/problem.js';
import { RateCounter } from './platform/http/rate-counter.js';
import { registerRateLimits } from './platform/http/rate-limit.js';
import { validatorCompiler } from './platform/http/validation.js';
import { registerTextRule } from './platform/http/well-formed-text.js';
import { newId } from './platform/ids.js';
import { registerMetrics } from './platform/metrics.js';
import { privateLogOptions } from './platform/privacy/private-logging.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The services the app's modules were given: a process's jobs use the same ones, caches included. */
    services: AppServices;
  }
}

export interface BuildAppOptions {
  db: Db;
  dbKind: DatabaseKind;
  config: Config;
  /** pino options (added to the private defaults), or false for none (tests). */
  logger?: boolean | object;
  redis?: Redis;
  /** Brokers shared with an in-process relay; made (and closed with the app) when not given. */
  brokers?: Brokers;
  /** The modules to plug in; all of OrderSync's (src/modules.ts) unless given (tests add their own). */
  modules?: readonly AppModule[];
}

export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    // Every logger is private by design (platform/privacy): given options add to that, never replace it.
    logger:
      options.logger === false
        ? false
        : {
            ...privateLogOptions(options.config.logLevel),
            ...(typeof options.logger === 'object' ? options.logger : {}),
          },
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,128}$/.test(given) ? given : newId();
    },
    requestIdHeader: false,
    bodyLimit: 1024 * 1024,
    ajv: { customOptions: { strict: false } },
    // The router's and Node's own refusals are problems like every other error.
    frameworkErrors,
    clientErrorHandler,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  // The API speaks JSON only; anything else is a 415, not a string handed to a JSON schema.
  app.removeContentTypeParser('text/plain');
  app.addHook('onSend', async (request, reply, payload) => {
    reply.header('x-request-id', request.id);
    return payload;
  });

  const modules = options.modules ?? allModules;
  const deps: AppServices = buildServices(
    {
      db: options.db,
      dbKind: options.dbKind,
      config: options.config,
      log: app.log,
      redis: options.redis,
      brokers: options.brokers ?? new Brokers(options.config.sync, app.log),
    },
    (services) => orderHooksOf(modules, services),
  );
  if (!options.brokers) app.addHook('onClose', () => deps.brokers.close());
  // Refusals counted but not yet written, before whoever closes the app closes the database.
  app.addHook('onClose', async () => {
    await deps.marketRules.writeRefusals().catch((error) => {
      app.log.error({ err: error }, 'market-rule refusals not written at close: the report misses them');
    });
  });
  app.decorate('services', deps);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'OrderSync API', version: '0.1.0', description: 'Orders, stock and synchronization.' },
      components: {
        securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An OrderSync API key' } },
      },
      security: [{ apiKey: [] }],
    },
    transform: documentRoles,
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list' } });

  registerProblemHandlers(app);
  registerTextRule(app);
  const counter = new RateCounter(deps.redis);
  registerRateLimits(
    app,
    {
      perKeyPerMinute: options.config.rateLimitPerKeyPerMinute,
      perAddressPerMinute: options.config.rateLimitPerAddressPerMinute,
    },
    counter,
  );
  registerAudit(app, deps.db);
  registerAuth(app, deps.apiKeys, { perMinute: options.config.authFailuresPerAddressPerMinute, counter });
  registerIdempotency(app, deps.db, { leaseSeconds: options.config.idempotencyLeaseSeconds });
  registerMetrics(app);
  const roleOperations = RoleOperations.collect(app);

  app.get('/openapi.json', { config: { public: true }, schema: { hide: true } }, async () => app.swagger());
  await app.register(healthRoutes, { deps });
  await registerAdminConsole(app);
  await app.register(whoamiRoutes, { prefix: '/v1', operations: roleOperations });
  for (const module of modules) {
    for (const routes of module.routes ?? []) await app.register(routes, { prefix: '/v1', deps });
  }
  return app;
}
