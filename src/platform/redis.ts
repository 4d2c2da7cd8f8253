import { Redis } from 'ioredis';

/**
 * A Redis client that fails fast instead of queueing: when Redis is away, callers fall back to the
 * database at once rather than waiting for a reconnect (flash-sale gate, rate limits).
 */
export function connectRedis(url: string): Redis {
  const redis = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: 500,
    connectTimeout: 1000,
    retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2000),
    lazyConnect: false,
    // Commands issued in the same tick go out in one write: socket writes, not Redis, are the cost here.
    enableAutoPipelining: true,
  });
  // Errors surface on each command; the connection itself only logs through the caller's checks.
  redis.on('error', () => {});
  return redis;
}
