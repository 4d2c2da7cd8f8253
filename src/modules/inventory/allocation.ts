import type { RawBuilder } from 'kysely';
import type { Conn, Trx } from '../../platform/db/database.js';
import { invalid } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import type { ReservationRequest, ReservationView, ReserveResult, Shortage } from './inventory.types.js';
import {
  type AllocatableStockRow,
  readAllocatableStock,
  reservationWrites,
  reserveStockLevels,
  unreserveStockLevels,
} from './stock.repository.js';
import { sumByStockKey } from './stock-key.js';

/** Sellable stock of one SKU in one active warehouse, with what ranks the warehouse. */
export interface AllocatableStock {
  sku: string;
  warehouseId: string;
  warehouseCode: string;
  country: string;
  region: string;
  priority: number;
  sellable: number;
}

/** Take `quantity` of the line's SKU from this warehouse. */
export interface LinePick {
  lineId: string;
  sku: string;
  warehouseId: string;
  warehouseCode: string;
  quantity: number;
}

export type AllocationPlan = { ok: true; picks: LinePick[] } | { ok: false; shortages: Shortage[] };

type Warehouse = Pick<AllocatableStock, 'warehouseId' | 'warehouseCode' | 'country' | 'region' | 'priority'>;
type Destination = ReservationRequest['destination'];

const normalize = (text: string | null | undefined) => (text ?? '').trim().toLowerCase();
const stockId = (sku: string, warehouseId: string) => `${sku}\u0000${warehouseId}`;

/** 0: same province-level region, 1: same country, 2: elsewhere. */
export function distance(warehouse: Pick<Warehouse, 'country' | 'region'>, destination: Destination): number {
  if (normalize(warehouse.country) !== normalize(destination.country)) return 2;
  return destination.province && normalize(warehouse.region) === normalize(destination.province) ? 0 : 1;
}

/**
 * Decides where each line's units come from; pure, so the rules are tested without a database.
 *
 * Lines are grouped by destination (each group becomes a shipment). Warehouses are ranked for the
 * group: nearest first, then priority (lower first), then code. A group is served from the first
 * warehouse that can fill all of its lines; when none can, each line takes what it can from the
 * warehouses in rank order. Groups draw from the same stock, in the order they first appear.
 */
export function planAllocation(
  lines: readonly ReservationRequest[],
  stock: readonly AllocatableStock[],
): AllocationPlan {
  const remaining = new Map<string, number>();
  const warehouses = new Map<string, Warehouse>();
  for (const s of stock) {
    remaining.set(stockId(s.sku, s.warehouseId), Math.max(0, s.sellable));
    warehouses.set(s.warehouseId, s);
  }
  const left = (sku: string, w: Warehouse) => remaining.get(stockId(sku, w.warehouseId)) ?? 0;
  const take = (line: ReservationRequest, w: Warehouse, quantity: number): LinePick => {
    remaining.set(stockId(line.sku, w.warehouseId), left(line.sku, w) - quantity);
    return {
      lineId: line.lineId,
      sku: line.sku,
      warehouseId: w.warehouseId,
      warehouseCode: w.warehouseCode,
      quantity,
    };
  };

  const groups = new Map<string, ReservationRequest[]>();
  for (const line of lines) {
    const key = `${normalize(line.destination.country)}\u0000${normalize(line.destination.province)}`;
    groups.set(key, [...(groups.get(key) ?? []), line]);
  }

  const picks: LinePick[] = [];
  let short = false;
  for (const group of groups.values()) {
    const destination = group[0]!.destination;
    const ranked = [...warehouses.values()].sort(
      (a, b) =>
        distance(a, destination) - distance(b, destination) ||
        a.priority - b.priority ||
        (a.warehouseCode < b.warehouseCode ? -1 : a.warehouseCode > b.warehouseCode ? 1 : 0),
    );
    const needed = new Map<string, number>();
    for (const line of group) needed.set(line.sku, (needed.get(line.sku) ?? 0) + line.quantity);

    const single = ranked.find((w) => [...needed].every(([sku, quantity]) => left(sku, w) >= quantity));
    if (single) {
      for (const line of group) picks.push(take(line, single, line.quantity));
      continue;
    }
    for (const line of group) {
      let need = line.quantity;
      for (const w of ranked) {
        const quantity = Math.min(need, left(line.sku, w));
        if (quantity <= 0) continue;
        picks.push(take(line, w, quantity));
        need -= quantity;
        if (need === 0) break;
      }
      if (need > 0) short = true;
    }
  }
  if (!short) return { ok: true, picks };

  // Splitting lets any line use any warehouse, so the order is short exactly where a SKU's total
  // request exceeds its total sellable stock.
  const shortages: Shortage[] = [];
  const requested = new Map<string, number>();
  for (const line of lines) requested.set(line.sku, (requested.get(line.sku) ?? 0) + line.quantity);
  for (const [sku, quantity] of requested) {
    const available = stock.filter((s) => s.sku === sku).reduce((sum, s) => sum + Math.max(0, s.sellable), 0);
    if (quantity > available) shortages.push({ sku, requested: quantity, available });
  }
  return { ok: false, shortages };
}

const MAX_ROUNDS = 5;

/**
 * Sellable stock read once with its levels locked, for one transaction placing several orders (a
 * merged flash-sale batch): each later order plans from what the earlier ones left instead of reading
 * again. Exact, because the levels stay locked until the transaction ends and every order taken here
 * is told to `took`; the orders' own statements still take their stock conditionally.
 */
export class LockedStock {
  readonly #bySku = new Map<string, AllocatableStockRow[]>();

  async read(conn: Conn, skus: readonly string[]): Promise<AllocatableStockRow[]> {
    const unread = skus.filter((sku) => !this.#bySku.has(sku));
    if (unread.length > 0) {
      const rows = await readAllocatableStock(conn, unread, true);
      for (const sku of unread) {
        this.#bySku.set(
          sku,
          rows.filter((r) => r.sku === sku),
        );
      }
    }
    return skus.flatMap((sku) => this.#bySku.get(sku)!);
  }

  /** An order placed in this transaction took these. */
  took(reservations: readonly Pick<ReservationView, 'sku' | 'warehouseId' | 'quantity'>[]): void {
    for (const r of reservations) {
      const level = this.#bySku.get(r.sku)?.find((l) => l.warehouse_id === r.warehouseId);
      if (level) level.sellable -= r.quantity;
    }
  }
}

/**
 * Checks the lines, reads sellable stock (locked when asked, or from a batch's LockedStock) and plans:
 * reservation rows, or shortages.
 */
async function planFromStock(
  conn: Conn,
  orderId: string,
  lines: ReservationRequest[],
  lock: boolean | LockedStock,
  /** Read already, with another read of the caller's (allocatableStockJson): no read of its own. */
  given?: readonly AllocatableStockRow[],
) {
  lines.forEach((line, i) => {
    if (!Number.isInteger(line.quantity) || line.quantity <= 0) {
      throw invalid([{ field: `lines[${i}].quantity`, message: 'must be a positive integer' }]);
    }
  });
  const skus = [...new Set(lines.map((l) => l.sku))];
  const stock =
    skus.length === 0
      ? []
      : given && lock === false
        ? given
        : lock instanceof LockedStock
          ? await lock.read(conn, skus)
          : await readAllocatableStock(conn, skus, lock);
  const plan = planAllocation(
    lines,
    stock.map((s) => ({ ...s, warehouseId: s.warehouse_id, warehouseCode: s.warehouse_code })),
  );
  if (!plan.ok) return plan;
  const rows = plan.picks.map((p) => ({
    id: newId(),
    order_id: orderId,
    line_id: p.lineId,
    sku: p.sku,
    warehouse_id: p.warehouseId,
    quantity: p.quantity,
  }));
  const reservations: ReservationView[] = rows.map((r, i) => ({
    id: r.id,
    lineId: r.line_id,
    sku: r.sku,
    warehouseId: r.warehouse_id,
    warehouseCode: plan.picks[i]!.warehouseCode,
    quantity: r.quantity,
    status: 'active',
  }));
  return { ok: true as const, levels: sumByStockKey(plan.picks), rows, reservations };
}

/**
 * Reserves every line of an order inside the caller's transaction, all or nothing.
 *
 * Each round reads sellable stock, plans, and reserves the plan with one conditional statement
 * (`reserveStockLevels`). When a level no longer has what the plan counted on (another order took
 * it between the read and the statement), the round gives back what it did take and plans again
 * from a fresh read; the last round reads with the rows locked, so it cannot lose. A plan that is
 * short changes nothing.
 */
export async function reserveForOrder(
  trx: Trx,
  orderId: string,
  lines: ReservationRequest[],
): Promise<ReserveResult> {
  if (lines.length === 0) return { ok: true, reservations: [] };
  for (let round = 1; round <= MAX_ROUNDS; round++) {
    const plan = await planFromStock(trx, orderId, lines, round === MAX_ROUNDS);
    if (!plan.ok) return plan;
    const { taken, recorded } = await reserveStockLevels(trx, plan.levels, plan.rows);
    if (recorded) return { ok: true, reservations: plan.reservations };
    await unreserveStockLevels(trx, taken);
  }
  // Unreachable in practice: the last round reads with the rows locked, so its plan cannot be overtaken.
  throw new Error(`Allocation for order ${orderId} lost its stock in ${MAX_ROUNDS} rounds`);
}

export type PlannedReservations =
  | { ok: false; shortages: Shortage[] }
  | {
      ok: true;
      reservations: ReservationView[];
      /** The reservation writes as CTEs, and whether they all took their stock (see reservationWrites). */
      writes: { ctes: RawBuilder<unknown>; allTaken: RawBuilder<boolean> };
    };

/**
 * Plans an order's reservations from one read, for a caller that writes them inside its own
 * statement (placing an order). The writes are conditional, so a plan overtaken between the read and
 * the write fails that statement rather than overselling; `lock` (inside a transaction) reads with the
 * levels locked, so the plan cannot be overtaken at all, or plans from a batch's LockedStock.
 */
export async function planReservations(
  conn: Conn,
  orderId: string,
  lines: ReservationRequest[],
  options: { lock?: boolean | LockedStock; stock?: readonly AllocatableStockRow[] | undefined } = {},
): Promise<PlannedReservations> {
  const plan = await planFromStock(conn, orderId, lines, options.lock ?? false, options.stock);
  if (!plan.ok) return plan;
  return { ok: true, reservations: plan.reservations, writes: reservationWrites(plan.levels, plan.rows) };
}
