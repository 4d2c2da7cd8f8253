import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import { AppError } from '../errors.js';

const WINDOW_MS = 60_000;

export interface RateLimits {
  perKeyPerMinute: number;
  perAddressPerMinute: number;
}

interface Hit {
  count: number;
  /** Milliseconds until the window resets. */
  resetMs: number;
}

/** Fixed one-minute windows kept in this process. */
class MemoryCounter {
  readonly #windows = new Map<string, { count: number; resetAt: number }>();
  hit(key: string, now = Date.now()): Hit {
    let w = this.#windows.get(key);
    if (!w || w.resetAt <= now) {
      if (this.#windows.size > 100_000) this.#sweep(now);
      w = { count: 0, resetAt: now + WINDOW_MS };
      this.#windows.set(key, w);
    }
    w.count++;
    return { count: w.count, resetMs: w.resetAt - now };
  }
  #sweep(now: number) {
    for (const [k, w] of this.#windows) if (w.resetAt <= now) this.#windows.delete(k);
  }
}

// INCR, and start the window's clock on its first hit; returns the count and the time left.
const HIT = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}`;

/**
 * Fixed-window rate limits per API key and per client address, answered as 429 problems with
 * Retry-After. Shared through Redis when there is one, so several API processes count together;
 * if Redis fails, this process counts alone until it is back.
 */
export function registerRateLimits(app: FastifyInstance, limits: RateLimits, redis?: Redis): void {
  if (limits.perKeyPerMinute <= 0 && limits.perAddressPerMinute <= 0) return;
  const memory = new MemoryCounter();
  const hit = async (key: string): Promise<Hit> => {
    if (redis) {
      try {
        const [count, pttl] = (await redis.eval(HIT, 1, `ordersync:rate:${key}`, WINDOW_MS)) as [
          number,
          number,
        ];
        return { count, resetMs: pttl > 0 ? pttl : WINDOW_MS };
      } catch {
        // fall through to this process's own count
      }
    }
    return memory.hit(key);
  };
  const check = async (key: string, limit: number, what: string) => {
    if (limit <= 0) return;
    const h = await hit(key);
    if (h.count > limit) {
      const retryAfter = Math.max(1, Math.ceil(h.resetMs / 1000));
      throw new AppError('rate_limited', `Too many requests for this ${what}; limit ${limit} per minute`, {
        retryAfter,
      });
    }
  };
  // After authentication (an onRequest hook registered earlier), so the key is known.
  app.addHook('onRequest', async (request) => {
    if (!request.routeOptions.url?.startsWith('/v1')) return;
    await check(`ip:${request.ip}`, limits.perAddressPerMinute, 'address');
    if (request.principal) await check(`key:${request.principal.keyId}`, limits.perKeyPerMinute, 'API key');
  });
}
