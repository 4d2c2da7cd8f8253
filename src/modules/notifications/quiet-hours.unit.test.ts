import { describe, expect, it } from 'vitest';
import { quietHoursEnd } from './quiet-hours.js';

describe('quiet hours (22:00–08:00 where the buyer is)', () => {
  it('holds a message at 23:30 in Shanghai until 08:00 there the next day', () => {
    // 23:30 in Shanghai is 15:30 UTC
    expect(quietHoursEnd(new Date('2026-12-05T15:30:00Z'), 'Asia/Shanghai')?.toISOString()).toBe(
      '2026-12-06T00:00:00.000Z',
    );
  });
  it('holds a message at 03:15 until 08:00 the same day', () => {
    expect(quietHoursEnd(new Date('2026-12-05T19:15:00Z'), 'Asia/Shanghai')?.toISOString()).toBe(
      '2026-12-06T00:00:00.000Z',
    );
  });
  it('lets a message at 08:00 and at 21:59 through', () => {
    expect(quietHoursEnd(new Date('2026-12-06T00:00:00Z'), 'Asia/Shanghai')).toBeNull();
    expect(quietHoursEnd(new Date('2026-12-06T13:59:00Z'), 'Asia/Shanghai')).toBeNull();
  });
  it('judges by the buyer’s zone, not the server’s: 23:30 UTC is 07:30 in Shanghai and quiet, 23:30 in London too', () => {
    expect(quietHoursEnd(new Date('2026-12-05T23:30:00Z'), 'Asia/Shanghai')?.toISOString()).toBe(
      '2026-12-06T00:00:00.000Z',
    );
    expect(quietHoursEnd(new Date('2026-12-05T23:30:00Z'), 'Europe/London')?.toISOString()).toBe(
      '2026-12-06T08:00:00.000Z',
    );
    expect(quietHoursEnd(new Date('2026-12-05T12:00:00Z'), 'Europe/London')).toBeNull();
  });
});
