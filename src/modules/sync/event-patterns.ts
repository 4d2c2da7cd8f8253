import { EVENT_TYPE_PREFIX } from './event-catalogue.js';

/**
 * Subscription filters: an event type without the `com.ordersync.` prefix (`payment.refunded`), with
 * `*` standing for any run of characters (`order.*`, `*.refunded`), or `*` alone for every event.
 */
export const EVENT_PATTERN = '^(\\*|[a-z*][a-z0-9_*]*(\\.[a-z0-9_*]+)*)$';

const cache = new Map<string, RegExp>();

function toRegExp(pattern: string): RegExp {
  let re = cache.get(pattern);
  if (!re) {
    const body = pattern
      .split('*')
      .map((part) => part.replace(/[.]/g, '\\.'))
      .join('.*');
    re = new RegExp(`^${body}$`);
    cache.set(pattern, re);
  }
  return re;
}

/** Whether a full CloudEvents type (`com.ordersync.order.placed`) matches any of the patterns. */
export function matchesAny(patterns: readonly string[], fullType: string): boolean {
  const type = fullType.startsWith(EVENT_TYPE_PREFIX) ? fullType.slice(EVENT_TYPE_PREFIX.length) : fullType;
  return patterns.some((p) => toRegExp(p).test(type));
}

/** The same patterns as SQL LIKE patterns over the full type (`_` escaped, `*` → `%`). */
export function toLikePatterns(patterns: readonly string[]): string[] {
  return patterns.map((p) => EVENT_TYPE_PREFIX + p.replace(/[\\%_]/g, (c) => `\\${c}`).replace(/\*/g, '%'));
}

/** The type without the prefix: routing keys and NATS subjects use it. */
export const shortType = (fullType: string): string =>
  fullType.startsWith(EVENT_TYPE_PREFIX) ? fullType.slice(EVENT_TYPE_PREFIX.length) : fullType;
