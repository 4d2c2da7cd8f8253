import { describe, expect, it } from 'vitest';
import { AppError } from '../../platform/errors.js';
import { weekSplit } from './analytics.repository.js';
import { parseRange } from './analytics-range.js';

const fieldsOf = (f: () => unknown) => {
  try {
    f();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return ((error as AppError).extra.errors ?? []).map((e) => e.field);
  }
  throw new Error('no error');
};

describe('analytics ranges', () => {
  it('widen to whole hours and give the previous period of the same length', () => {
    const r = parseRange(
      { from: '2026-11-01T10:20:00Z', to: '2026-11-02T09:10:00Z', tz: 'Asia/Shanghai' },
      31,
    );
    expect(r.from.toISOString()).toBe('2026-11-01T10:00:00.000Z');
    expect(r.to.toISOString()).toBe('2026-11-02T10:00:00.000Z');
    expect(r.previous.from.toISOString()).toBe('2026-10-31T10:00:00.000Z');
    expect(r.previous.to.toISOString()).toBe('2026-11-01T10:00:00.000Z');
  });

  it('refuse a bad zone, an inverted range and one too long, naming the field', () => {
    expect(
      fieldsOf(() =>
        parseRange({ from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00Z', tz: 'Mars/Olympus' }, 31),
      ),
    ).toEqual(['/tz']);
    expect(
      fieldsOf(() => parseRange({ from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z' }, 31)),
    ).toEqual(['/to']);
    expect(
      fieldsOf(() => parseRange({ from: '2026-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z' }, 31)),
    ).toEqual(['/to']);
  });
});

describe('lead-time weeks', () => {
  it('are the whole ISO weeks (Monday, UTC) of a range, with its days either side', () => {
    const d = (s: string) => new Date(`${s}T00:00:00Z`);
    expect(weekSplit({ from: d('2026-11-05'), to: d('2026-12-01') })).toEqual({
      from: d('2026-11-05'),
      to: d('2026-12-01'),
      a: d('2026-11-09'),
      b: d('2026-11-30'),
    });
    // a range starting on a Monday starts its weeks there; one holding no whole week has none
    expect(weekSplit({ from: d('2026-11-09'), to: d('2026-11-16') })).toMatchObject({ a: d('2026-11-09') });
    expect(weekSplit({ from: d('2026-11-10'), to: d('2026-11-16') })).toMatchObject({
      a: d('2026-11-16'),
      b: d('2026-11-16'),
    });
  });
});
