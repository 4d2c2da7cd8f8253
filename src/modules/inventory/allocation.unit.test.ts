import { describe, expect, it } from 'vitest';
import { type AllocatableStock, distance, planAllocation } from './allocation.js';
import type { ReservationRequest } from './inventory.types.js';

const WAREHOUSES = {
  SH: { warehouseId: 'w-sh', warehouseCode: 'SH-01', country: 'CN', region: 'Shanghai', priority: 10 },
  GZ: { warehouseId: 'w-gz', warehouseCode: 'GZ-01', country: 'CN', region: 'Guangdong', priority: 20 },
  BJ: { warehouseId: 'w-bj', warehouseCode: 'BJ-01', country: 'CN', region: 'Beijing', priority: 30 },
  HK: { warehouseId: 'w-hk', warehouseCode: 'HK-01', country: 'HK', region: 'Hong Kong', priority: 1 },
};
type Code = keyof typeof WAREHOUSES;

const stock = (sku: string, code: Code, sellable: number): AllocatableStock => ({
  sku,
  sellable,
  ...WAREHOUSES[code],
});

let lineNo = 0;
const line = (
  sku: string,
  quantity: number,
  province: string | null = 'Guangdong',
  country = 'CN',
): ReservationRequest => ({
  lineId: `line-${++lineNo}`,
  sku,
  quantity,
  destination: { country, province },
});

/** The plan as "sku qty@code" strings, line by line, easy to read in a failure. */
function picks(lines: ReservationRequest[], available: AllocatableStock[]) {
  const plan = planAllocation(lines, available);
  if (!plan.ok) throw new Error(`expected a plan, got shortages ${JSON.stringify(plan.shortages)}`);
  return plan.picks.map((p) => `${p.sku} ${p.quantity}@${p.warehouseCode}`);
}

describe('distance', () => {
  it('ranks same region, then same country, then elsewhere; case and spaces do not matter', () => {
    expect(distance(WAREHOUSES.GZ, { country: 'CN', province: ' guangdong ' })).toBe(0);
    expect(distance(WAREHOUSES.SH, { country: 'CN', province: 'Guangdong' })).toBe(1);
    expect(distance(WAREHOUSES.SH, { country: 'cn', province: null })).toBe(1);
    expect(distance(WAREHOUSES.HK, { country: 'CN', province: 'Guangdong' })).toBe(2);
  });
});

describe('planAllocation', () => {
  it('serves a group from the nearest warehouse that has everything, over a better priority', () => {
    const available = [
      stock('A', 'SH', 10),
      stock('B', 'SH', 10),
      stock('A', 'GZ', 10),
      stock('B', 'GZ', 10),
    ];
    expect(picks([line('A', 2), line('B', 3)], available)).toEqual(['A 2@GZ-01', 'B 3@GZ-01']);
  });

  it('prefers one warehouse that fills every line to splitting, even if a nearer one has some', () => {
    const available = [stock('A', 'GZ', 10), stock('A', 'SH', 10), stock('B', 'SH', 10)];
    expect(picks([line('A', 2), line('B', 3)], available)).toEqual(['A 2@SH-01', 'B 3@SH-01']);
  });

  it('breaks ties between equally near warehouses by priority, then by code', () => {
    const available = [stock('A', 'BJ', 5), stock('A', 'SH', 5), stock('A', 'HK', 5)];
    expect(picks([line('A', 1)], available)).toEqual(['A 1@SH-01']);
    const twins = [
      { ...stock('A', 'SH', 5), warehouseId: 'w-b', warehouseCode: 'B' },
      { ...stock('A', 'SH', 5), warehouseId: 'w-a', warehouseCode: 'A' },
    ];
    expect(picks([line('A', 1, 'Yunnan')], twins)).toEqual(['A 1@A']);
  });

  it('goes abroad only when the destination country has nothing', () => {
    expect(picks([line('A', 1)], [stock('A', 'HK', 5), stock('A', 'BJ', 5)])).toEqual(['A 1@BJ-01']);
    expect(picks([line('A', 1)], [stock('A', 'HK', 5)])).toEqual(['A 1@HK-01']);
  });

  it('splits a line over warehouses, nearest first, taking all each can give', () => {
    const available = [stock('A', 'SH', 4), stock('A', 'GZ', 3), stock('A', 'BJ', 5)];
    expect(picks([line('A', 9)], available)).toEqual(['A 3@GZ-01', 'A 4@SH-01', 'A 2@BJ-01']);
  });

  it('counts two lines of one SKU together when looking for a single warehouse', () => {
    const available = [stock('A', 'GZ', 5), stock('A', 'SH', 8)];
    expect(picks([line('A', 4), line('A', 4)], available)).toEqual(['A 4@SH-01', 'A 4@SH-01']);
  });

  it('plans each destination on its own, drawing on the same stock', () => {
    const available = [stock('A', 'GZ', 3), stock('A', 'SH', 3), stock('A', 'BJ', 3)];
    const lines = [line('A', 3, 'Beijing'), line('A', 2, 'Shanghai'), line('A', 3, 'Shanghai')];
    expect(picks(lines, available)).toEqual(['A 3@BJ-01', 'A 2@SH-01', 'A 1@SH-01', 'A 2@GZ-01']);
  });

  it('ignores negative sellable counts as zero', () => {
    expect(picks([line('A', 2)], [stock('A', 'GZ', -5), stock('A', 'SH', 2)])).toEqual(['A 2@SH-01']);
  });

  it('reports shortages per SKU over the whole order, and only the short ones', () => {
    const available = [stock('A', 'GZ', 3), stock('A', 'SH', 2), stock('B', 'GZ', 100)];
    const plan = planAllocation(
      [line('A', 4), line('B', 1), line('A', 2, 'Beijing'), line('C', 1)],
      available,
    );
    expect(plan).toEqual({
      ok: false,
      shortages: [
        { sku: 'A', requested: 6, available: 5 },
        { sku: 'C', requested: 1, available: 0 },
      ],
    });
  });

  it('plans nothing for no lines', () => {
    expect(planAllocation([], [stock('A', 'GZ', 1)])).toEqual({ ok: true, picks: [] });
  });
});
