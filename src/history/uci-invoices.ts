import type { HistoricalOrder } from '../modules/orders/index.js';

/** One line of the UCI Online Retail file (Chen, Sain & Guo 2012), as csv-parse hands it over. */
export interface UciRow {
  InvoiceNo: string;
  StockCode: string;
  Description: string;
  Quantity: string;
  InvoiceDate: string;
  UnitPrice: string;
  CustomerID: string;
  Country: string;
}

/** Postage lines: they become the order's shipping, not a line. */
const SHIPPING_CODES = new Set(['POST', 'DOT', 'C2']);
/** Codes that are not goods: manual entries, fees, samples, bad-debt adjustments, discounts. */
const NON_PRODUCT_CODES = new Set(['M', 'm', 'BANK CHARGES', 'AMAZONFEE', 'S', 'B', 'D', 'CRUK', 'PADS']);

export type LineSkip =
  | 'cancellation'
  | 'not a positive quantity'
  | 'non-product code'
  | 'no price'
  | 'after its invoice was loaded';
export type InvoiceSkip = 'cancelled invoice' | 'no product lines';

/** Tallies of what was left out, by reason. */
export interface Skipped {
  lines: Partial<Record<LineSkip, number>>;
  invoices: Partial<Record<InvoiceSkip, number>>;
}

/** The shop's clock: the file's times are UK local time. */
const SHOP_TIME_ZONE = 'Europe/London';

/**
 * The one place where a UCI invoice becomes an order (the file-channel import will take this over):
 * `UCI-<InvoiceNo>`, placed at its first line's time, goods lines only, postage as shipping, GBP pence.
 */
export function toHistoricalOrder(
  invoiceNo: string,
  rows: UciRow[],
  channel: string,
  skipped: Skipped,
): HistoricalOrder | undefined {
  const skipLine = (reason: LineSkip) => {
    skipped.lines[reason] = (skipped.lines[reason] ?? 0) + 1;
  };
  if (invoiceNo.startsWith('C')) {
    for (const _ of rows) skipLine('cancellation');
    skipped.invoices['cancelled invoice'] = (skipped.invoices['cancelled invoice'] ?? 0) + 1;
    return undefined;
  }
  const lines: HistoricalOrder['lines'] = [];
  let shipping = 0;
  for (const row of rows) {
    const quantity = Number(row.Quantity);
    const unitPrice = toPence(row.UnitPrice);
    if (!Number.isInteger(quantity) || quantity <= 0) skipLine('not a positive quantity');
    else if (NON_PRODUCT_CODES.has(row.StockCode)) skipLine('non-product code');
    else if (unitPrice === undefined || unitPrice <= 0) skipLine('no price');
    else if (SHIPPING_CODES.has(row.StockCode)) shipping += unitPrice * quantity;
    else lines.push({ sku: row.StockCode, title: row.Description || row.StockCode, unitPrice, quantity });
  }
  if (lines.length === 0) {
    skipped.invoices['no product lines'] = (skipped.invoices['no product lines'] ?? 0) + 1;
    return undefined;
  }
  const first = rows.map((r) => r.InvoiceDate).sort()[0]!;
  const customer = rows[0]!.CustomerID;
  return {
    number: `UCI-${invoiceNo}`,
    channel,
    placedAt: wallTimeToUtc(first, SHOP_TIME_ZONE),
    currency: 'GBP',
    customer: {
      email: `${customer ? `customer-${customer}` : 'guest'}@uci-online-retail.invalid`,
      name: null,
    },
    lines,
    shippingTotal: shipping,
    source: {
      dataset: 'uci-online-retail',
      invoice: invoiceNo,
      customerId: customer || null,
      country: rows[0]!.Country,
    },
  };
}

/** "2.55" → 255 pence, from the decimal string (no float rounding); undefined if not a price. */
export function toPence(price: string): number | undefined {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(price.trim());
  if (!m) return undefined;
  const frac = (m[3] ?? '').padEnd(3, '0');
  const pence = Number(m[2]) * 100 + Number(frac.slice(0, 2)) + (Number(frac[2]) >= 5 ? 1 : 0);
  return m[1] ? -pence : pence;
}

/** "2011-06-01 08:26:00" read as a wall-clock time in `timeZone`, as the instant it was (DST included). */
export function wallTimeToUtc(wall: string, timeZone: string): Date {
  const asUtc = Date.parse(`${wall.replace(' ', 'T')}Z`);
  if (Number.isNaN(asUtc)) throw new Error(`not a date-time: ${wall}`);
  // The zone's offset at the guessed instant, then again at the corrected one (it differs near a change).
  const first = asUtc - offsetAt(asUtc, timeZone);
  return new Date(asUtc - offsetAt(first, timeZone));
}

function offsetAt(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  const local = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return local - Math.floor(instant / 1000) * 1000;
}

/**
 * Groups the file's lines into invoices as they stream past. An invoice's lines are together but for
 * a few interleaved ones (invoice 542806), so an invoice is handed on only once `settleAfter` lines of
 * others have passed since its last line; lines of an invoice already handed on are counted, not lost
 * silently.
 */
export class UciInvoiceGrouper {
  readonly #open = new Map<string, { rows: UciRow[]; lastSeen: number }>();
  readonly #done = new Set<string>();
  #seen = 0;

  constructor(
    private readonly channel: string,
    readonly skipped: Skipped = { lines: {}, invoices: {} },
    private readonly settleAfter = 200,
  ) {}

  /** Takes one line; returns the orders of invoices now complete. */
  add(row: UciRow): HistoricalOrder[] {
    this.#seen++;
    const no = row.InvoiceNo;
    if (this.#done.has(no)) {
      this.skipped.lines['after its invoice was loaded'] =
        (this.skipped.lines['after its invoice was loaded'] ?? 0) + 1;
      return [];
    }
    const open = this.#open.get(no);
    if (open) {
      open.rows.push(row);
      open.lastSeen = this.#seen;
    } else this.#open.set(no, { rows: [row], lastSeen: this.#seen });
    const ready: string[] = [];
    for (const [key, invoice] of this.#open) {
      if (this.#seen - invoice.lastSeen < this.settleAfter) break;
      ready.push(key);
    }
    return this.#take(ready);
  }

  /** The invoices still open at the end of the file. */
  flush(): HistoricalOrder[] {
    return this.#take([...this.#open.keys()]);
  }

  get invoices(): number {
    return this.#done.size;
  }

  #take(keys: string[]): HistoricalOrder[] {
    const orders: HistoricalOrder[] = [];
    for (const key of keys) {
      const order = toHistoricalOrder(key, this.#open.get(key)!.rows, this.channel, this.skipped);
      this.#open.delete(key);
      this.#done.add(key);
      if (order) orders.push(order);
    }
    return orders;
  }
}
