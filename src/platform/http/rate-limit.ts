import type { FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';
import { type RateCounter, retryAfterSeconds } from './rate-counter.js';

export interface RateLimits {
  perKeyPerMinute: number;
  perAddressPerMinute: number;
}

/**
 * Fixed-window rate limits per client address and per API key, answered as 429 problems with
 * Retry-After. Register before authentication: the address is counted before anything else is done
 * (so requests with no or a wrong key count too), the key once authentication has named it.
 */
export function registerRateLimits(app: FastifyInstance, limits: RateLimits, counter: RateCounter): void {
  const check = async (key: string, limit: number, what: string) => {
    const h = await counter.hit(key);
    if (h.count > limit) {
      throw new AppError('rate_limited', `Too many requests for this ${what}; limit ${limit} per minute`, {
        retryAfter: retryAfterSeconds(h),
      });
    }
  };
  if (limits.perAddressPerMinute > 0) {
    app.addHook('onRequest', async (request) => {
      if (!request.routeOptions.url?.startsWith('/v1')) return;
      await check(`ip:${request.ip}`, limits.perAddressPerMinute, 'address');
    });
  }
  if (limits.perKeyPerMinute > 0) {
    // preParsing runs after every onRequest hook, authentication's included.
    app.addHook('preParsing', async (request) => {
      if (request.principal) await check(`key:${request.principal.keyId}`, limits.perKeyPerMinute, 'API key');
    });
  }
}
