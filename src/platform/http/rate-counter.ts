import type { Redis } from 'ioredis';

export const WINDOW_MS = 60_000;

export interface Hit {
  count: number;
  /** Milliseconds until the window resets. */
  resetMs: number;
}

/** Fixed one-minute windows kept in this process. */
class MemoryWindows {
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
  peek(key: string, now = Date.now()): Hit {
    const w = this.#windows.get(key);
    return w && w.resetAt > now ? { count: w.count, resetMs: w.resetAt - now } : { count: 0, resetMs: 0 };
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

const PEEK = `return {tonumber(redis.call('GET', KEYS[1]) or '0'), redis.call('PTTL', KEYS[1])}`;

/**
 * Counts per key in fixed one-minute windows. Shared through Redis when there is one, so several API
 * processes count together; if Redis fails, this process counts alone until it is back.
 */
export class RateCounter {
  readonly #memory = new MemoryWindows();
  constructor(private readonly redis?: Redis) {}

  hit(key: string): Promise<Hit> {
    return this.#call(HIT, key, () => this.#memory.hit(key));
  }

  /** The count so far, without adding to it. */
  peek(key: string): Promise<Hit> {
    return this.#call(PEEK, key, () => this.#memory.peek(key));
  }

  async #call(script: string, key: string, alone: () => Hit): Promise<Hit> {
    if (this.redis) {
      try {
        const [count, pttl] = (await this.redis.eval(script, 1, `ordersync:rate:${key}`, WINDOW_MS)) as [
          number,
          number,
        ];
        return { count, resetMs: pttl > 0 ? pttl : WINDOW_MS };
      } catch {
        // fall through to this process's own count
      }
    }
    return alone();
  }
}

/** Seconds a refused client should wait, for Retry-After. */
export const retryAfterSeconds = (h: Hit): number => Math.max(1, Math.ceil(h.resetMs / 1000));
