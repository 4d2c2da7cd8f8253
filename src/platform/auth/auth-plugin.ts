import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';
import { type RateCounter, retryAfterSeconds } from '../http/rate-counter.js';
import type { ApiKeyResolver } from './api-keys.js';
import type { Principal, Role } from './roles.js';
import { allowedRoles } from './route-roles.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Roles allowed besides admin. Omitted on a /v1 route: admin only. */
    roles?: readonly Role[];
    /** No API key needed (health, docs, provider callbacks that carry their own signature). */
    public?: boolean;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/**
 * Authenticates every non-public route by `Authorization: Bearer <key>` and checks its role. An
 * address that presented `failuresPerMinute` wrong keys within a minute gets 429 for the rest of it,
 * before any key of it is looked up: guessing keys is slow, and a flood of them stays off the database.
 */
export function registerAuth(
  app: FastifyInstance,
  resolver: ApiKeyResolver,
  failures: { perMinute: number; counter: RateCounter },
): void {
  const limited = async (address: string, failed: boolean) => {
    if (failures.perMinute <= 0) return;
    const key = `authfail:${address}`;
    const h = failed ? await failures.counter.hit(key) : await failures.counter.peek(key);
    if (h.count >= failures.perMinute + (failed ? 1 : 0)) {
      throw new AppError(
        'rate_limited',
        `Too many requests with a wrong API key from this address; limit ${failures.perMinute} per minute`,
        { retryAfter: retryAfterSeconds(h) },
      );
    }
  };
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    const allowed = allowedRoles(request.routeOptions.url ?? '', request.routeOptions.config);
    if (allowed === 'public') return;
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) throw new AppError('unauthorized', 'Send an API key as "Authorization: Bearer <key>"');
    await limited(request.ip, false);
    const principal = await resolver.resolve(match[1]!);
    if (!principal) {
      await limited(request.ip, true);
      throw new AppError('unauthorized', 'The API key is not valid or has been revoked');
    }
    request.principal = principal;
    if (!allowed.includes(principal.role)) {
      throw new AppError(
        'forbidden',
        `The role ${principal.role} may not call ${request.method} ${request.routeOptions.url}`,
      );
    }
  });
}
