import { describe, expect, it } from 'vitest';
import { EVENT_PATTERN, matchesAny, shortType, toLikePatterns } from './event-patterns.js';

describe('event type patterns', () => {
  const type = 'com.ordersync.order.placed';

  it('matches exact types, wildcards and everything', () => {
    expect(matchesAny(['order.placed'], type)).toBe(true);
    expect(matchesAny(['order.*'], type)).toBe(true);
    expect(matchesAny(['*'], type)).toBe(true);
    expect(matchesAny(['*.placed'], type)).toBe(true);
    expect(matchesAny(['payment.*', 'order.paid'], type)).toBe(false);
    expect(matchesAny(['order'], type)).toBe(false);
    expect(matchesAny(['orderXplaced'], type)).toBe(false);
  });

  it('writes the same patterns as SQL LIKE, escaping LIKE characters', () => {
    expect(toLikePatterns(['order.*', 'payment.late_received', '*'])).toEqual([
      'com.ordersync.order.%',
      'com.ordersync.payment.late\\_received',
      'com.ordersync.%',
    ]);
  });

  it('accepts what a filter may be, and nothing else', () => {
    const re = new RegExp(EVENT_PATTERN);
    for (const ok of ['*', 'order.*', 'payment.refunded', 'payment.late_received', '*.refunded'])
      expect(re.test(ok)).toBe(true);
    for (const bad of ['', 'Order.Placed', 'order placed', 'order..placed', '.order', 'order.%'])
      expect(re.test(bad)).toBe(false);
  });

  it('strips the prefix for routing keys and subjects', () => {
    expect(shortType(type)).toBe('order.placed');
  });
});
