import type { ColumnMapping, ImportLine, LineProblem } from './column-mapping.js';

export type LineSkip =
  | LineProblem
  | 'not a CSV record'
  | 'not a JSON object'
  | 'cancellation'
  | 'not a positive quantity'
  | 'non-product code'
  | 'no price'
  | 'after its order was read';
export type OrderSkip = 'cancelled order' | 'no product lines';

/** Counts of what was left out, by reason. */
export interface Tally {
  lines: Partial<Record<LineSkip, number>>;
  orders: Partial<Record<OrderSkip, number>>;
}

/** One thing left out, where it was: a line, or an order (at its first line). */
export interface Rejection {
  line: number;
  externalId: string;
  reason: LineSkip | OrderSkip;
}

/** A line that could not be read, kept with its order when it names one (so the order is counted). */
export interface UnreadableLine {
  line: number;
  externalId: string;
  problem: LineSkip;
}

type GroupedLine = ImportLine | UnreadableLine;

/** An order of the file, cleaned: goods lines only, postage as shipping, in minor units. */
export interface FileOrder {
  externalId: string;
  firstLine: number;
  placedAt: Date;
  customer: string;
  country: string;
  lines: { sku: string; title: string; unitPrice: number; quantity: number }[];
  shippingTotal: number;
}

/** What a grouper holds between lines, saved with each checkpoint so a resumed import goes on exactly. */
export interface GrouperState {
  seen: number;
  orders: number;
  open: { key: string; lastSeen: number; rows: GroupedLine[] }[];
  done: [string, number][];
}

/**
 * Groups a file's lines into orders as they stream past. An order's lines are together but for a few
 * interleaved ones (UCI invoice 542806), so an order is handed on only once `settleAfter` lines of
 * others have passed since its last line. A line of an order already handed on is counted, not lost
 * silently; orders are remembered for `rememberLines` lines, so memory stays flat however long the file.
 */
export class OrderGrouper {
  readonly tally: Tally = { lines: {}, orders: {} };
  /** Rejections since the last `takeRejections()`. */
  #rejections: Rejection[] = [];
  #open = new Map<string, { rows: GroupedLine[]; lastSeen: number }>();
  #done = new Map<string, number>();
  #seen = 0;
  /** Orders handed on (or rejected as a whole). */
  orders = 0;

  constructor(
    private readonly mapping: ColumnMapping,
    state?: GrouperState,
    tally?: Tally,
    private readonly settleAfter = 200,
    private readonly rememberLines = 5000,
  ) {
    if (tally) this.tally = tally;
    if (state) {
      this.#seen = state.seen;
      this.orders = state.orders;
      for (const o of state.open) this.#open.set(o.key, { lastSeen: o.lastSeen, rows: o.rows.map(revive) });
      this.#done = new Map(state.done);
    }
  }

  /** Takes one line; returns the orders now complete. */
  add(row: GroupedLine): FileOrder[] {
    const key = row.externalId;
    if (!key) {
      // Not counted as seen: where a broken record comes among the others does not matter.
      this.#reject(row.line, '', (row as UnreadableLine).problem);
      return [];
    }
    this.#seen++;
    if (this.#done.has(key)) {
      this.#reject(row.line, key, 'after its order was read');
      return [];
    }
    const open = this.#open.get(key);
    if (open) {
      open.rows.push(row);
      open.lastSeen = this.#seen;
    } else this.#open.set(key, { rows: [row], lastSeen: this.#seen });
    const ready: string[] = [];
    for (const [k, order] of this.#open) {
      if (this.#seen - order.lastSeen < this.settleAfter) break;
      ready.push(k);
    }
    return this.#take(ready);
  }

  /** The orders still open at the end of the file. */
  flush(): FileOrder[] {
    return this.#take([...this.#open.keys()]);
  }

  takeRejections(): Rejection[] {
    const taken = this.#rejections;
    this.#rejections = [];
    return taken;
  }

  state(): GrouperState {
    return {
      seen: this.#seen,
      orders: this.orders,
      open: [...this.#open].map(([key, o]) => ({ key, lastSeen: o.lastSeen, rows: o.rows })),
      done: [...this.#done],
    };
  }

  #take(keys: string[]): FileOrder[] {
    const orders: FileOrder[] = [];
    for (const key of keys) {
      const order = this.#toOrder(key, this.#open.get(key)!.rows);
      this.#open.delete(key);
      this.#done.set(key, this.#seen);
      this.orders++;
      if (order) orders.push(order);
    }
    if (keys.length > 0) {
      for (const [k, at] of this.#done) {
        if (this.#seen - at < this.rememberLines) break;
        this.#done.delete(k);
      }
    }
    return orders;
  }

  /** The one place where a file's order becomes an order: goods lines only, postage as shipping. */
  #toOrder(externalId: string, rows: GroupedLine[]): FileOrder | undefined {
    const m = this.mapping;
    const firstLine = rows[0]!.line;
    if (m.cancelledPrefix && externalId.startsWith(m.cancelledPrefix)) {
      for (const row of rows) this.#reject(row.line, externalId, 'cancellation');
      this.#rejectOrder(firstLine, externalId, 'cancelled order');
      return undefined;
    }
    const lines: FileOrder['lines'] = [];
    let shipping = 0;
    for (const row of rows) {
      if ('problem' in row) this.#reject(row.line, externalId, row.problem);
      else if (row.quantity <= 0) this.#reject(row.line, externalId, 'not a positive quantity');
      else if (m.nonProductSkus?.includes(row.sku)) this.#reject(row.line, externalId, 'non-product code');
      else if (row.unitPrice <= 0) this.#reject(row.line, externalId, 'no price');
      else if (m.shippingSkus?.includes(row.sku)) {
        shipping += row.unitPrice * row.quantity;
      } else lines.push({ sku: row.sku, title: row.title, unitPrice: row.unitPrice, quantity: row.quantity });
    }
    if (lines.length === 0) {
      this.#rejectOrder(firstLine, externalId, 'no product lines');
      return undefined;
    }
    // Placed when its earliest line was written, by whom its first line names (cancelled lines too).
    const readable = rows.filter((r): r is ImportLine => !('problem' in r));
    const first = readable.reduce((a, b) => (b.placedAt < a.placedAt ? b : a));
    return {
      externalId,
      firstLine,
      placedAt: first.placedAt,
      customer: readable[0]!.customer,
      country: readable[0]!.country,
      lines,
      shippingTotal: shipping,
    };
  }

  #reject(line: number, externalId: string, reason: LineSkip) {
    this.tally.lines[reason] = (this.tally.lines[reason] ?? 0) + 1;
    this.#rejections.push({ line, externalId, reason });
  }

  #rejectOrder(line: number, externalId: string, reason: OrderSkip) {
    this.tally.orders[reason] = (this.tally.orders[reason] ?? 0) + 1;
    this.#rejections.push({ line, externalId, reason });
  }
}

/** A line back from a checkpoint's JSON: its date is a string there. */
function revive(row: GroupedLine): GroupedLine {
  return 'placedAt' in row ? { ...row, placedAt: new Date(row.placedAt) } : row;
}
