import { type Static, Type } from 'typebox';
import { toMinorUnits } from '../minor-units.js';
import { UCI_ONLINE_RETAIL as UCI_MAPPING } from './uci-online-retail.js';

const Column = Type.String({ minLength: 1, maxLength: 100 });
const Codes = Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { maxItems: 200 });

/**
 * Which column of the file holds which part of an order line, and the file's own conventions. Lines
 * of one order share `externalId` (an invoice number) and follow each other in the file.
 */
export const ColumnMapping = Type.Object(
  {
    columns: Type.Object(
      {
        externalId: Column,
        sku: Column,
        title: Type.Optional(Column),
        quantity: Column,
        unitPrice: Column,
        placedAt: Column,
        customer: Type.Optional(Column),
        country: Type.Optional(Column),
      },
      { additionalProperties: false },
    ),
    /** Orders whose id starts so are cancellations of another order (UCI: `C536379`). */
    cancelledPrefix: Type.Optional(Type.String({ minLength: 1, maxLength: 16 })),
    /** Codes that are postage: added to the order's shipping, not a line. */
    shippingSkus: Type.Optional(Codes),
    /** Codes that are not goods (fees, manual adjustments): left out, counted. */
    nonProductSkus: Type.Optional(Codes),
    /** Live imports: whether the channel already took the money (default true: files export sold orders). */
    paid: Type.Optional(Type.Boolean()),
    /** The zone of date-times written without an offset (a shop's wall clock); UTC by default. */
    timeZone: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  },
  { additionalProperties: false },
);
export type ColumnMapping = Static<typeof ColumnMapping>;

/** The UCI Online Retail file's mapping (in its own file: the console imports it too). */
export const UCI_ONLINE_RETAIL: ColumnMapping = UCI_MAPPING;

/** One line of an order as the file gave it, read through the mapping; `problem` if it is unusable. */
export interface ImportLine {
  line: number;
  externalId: string;
  sku: string;
  title: string;
  quantity: number;
  /** Minor units of the import's currency (JPY has none, KWD three). */
  unitPrice: number;
  placedAt: Date;
  customer: string;
  country: string;
}

export type LineProblem =
  | 'no order id'
  | 'no SKU'
  | 'quantity is not a whole number'
  | 'price is not a number'
  | 'date is not readable';

/** A column's text, trimmed ('' when absent). */
function textOf(record: Record<string, unknown>, column: string | undefined): string {
  const value = column === undefined ? undefined : record[column];
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value.trim() : String(value).trim();
}

/** A record (CSV row or JSON object) read through the mapping, or the reason it cannot be used. */
export function readLine(
  record: Record<string, unknown>,
  line: number,
  mapping: ColumnMapping,
  currency: string,
): ImportLine | { line: number; externalId: string; problem: LineProblem } {
  const c = mapping.columns;
  const externalId = textOf(record, c.externalId);
  if (!externalId) return { line, externalId, problem: 'no order id' };
  const sku = textOf(record, c.sku);
  if (!sku) return { line, externalId, problem: 'no SKU' };
  const quantityText = textOf(record, c.quantity);
  const quantity = Number(quantityText);
  if (!Number.isSafeInteger(quantity) || quantityText === '')
    return { line, externalId, problem: 'quantity is not a whole number' };
  const priceText = textOf(record, c.unitPrice);
  let unitPrice: number;
  try {
    if (priceText === '') return { line, externalId, problem: 'price is not a number' };
    unitPrice = toMinorUnits(priceText, currency);
  } catch {
    return { line, externalId, problem: 'price is not a number' };
  }
  const placedAt = readDateTime(textOf(record, c.placedAt), mapping.timeZone ?? 'UTC');
  if (!placedAt) return { line, externalId, problem: 'date is not readable' };
  return {
    line,
    externalId,
    sku,
    title: textOf(record, c.title) || sku,
    quantity,
    unitPrice,
    placedAt,
    customer: textOf(record, c.customer),
    country: textOf(record, c.country),
  };
}

const WALL_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?$/;

let last: { text: string; timeZone: string; at: Date | undefined } | undefined;

/**
 * An ISO instant with its offset as it is; a wall-clock time ("2011-06-01 08:26:00") read in `timeZone`.
 * The lines of an order mostly share their time, so the last answer is kept (the zone sum is not cheap).
 */
export function readDateTime(text: string, timeZone: string): Date | undefined {
  if (last?.text === text && last.timeZone === timeZone) return last.at;
  last = { text, timeZone, at: readDateTimeAnew(text, timeZone) };
  return last.at;
}

function readDateTimeAnew(text: string, timeZone: string): Date | undefined {
  if (!WALL_TIME.test(text)) {
    if (!/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:?\d{2})$/.test(text)) return undefined;
    const instant = new Date(text);
    return Number.isNaN(instant.getTime()) ? undefined : instant;
  }
  return wallTimeToUtc(text, timeZone);
}

/** A wall-clock time in `timeZone` as the instant it was (summer time included); undefined if impossible. */
export function wallTimeToUtc(wall: string, timeZone: string): Date | undefined {
  const asUtc = Date.parse(`${wall.replace(' ', 'T')}Z`);
  if (Number.isNaN(asUtc)) return undefined;
  // The zone's offset at the guessed instant, then again at the corrected one (it differs near a change).
  const first = asUtc - offsetAt(asUtc, timeZone);
  return new Date(asUtc - offsetAt(first, timeZone));
}

const formats = new Map<string, Intl.DateTimeFormat>();

/**
 * Zone offsets by quarter hour (every zone changes its offset on a quarter hour): a file's times
 * fall in a few thousand of them, and asking Intl is the dear part of reading a line.
 */
const offsets = new Map<string, number>();
const QUARTER_HOUR = 15 * 60_000;

function offsetAt(instant: number, timeZone: string): number {
  if (timeZone === 'UTC') return 0;
  const key = `${timeZone} ${Math.floor(instant / QUARTER_HOUR)}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    if (offsets.size >= 100_000) offsets.clear();
    offset = zoneOffsetAt(instant, timeZone);
    offsets.set(key, offset);
  }
  return offset;
}

function zoneOffsetAt(instant: number, timeZone: string): number {
  let format = formats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(timeZone, format);
  }
  const parts = format.formatToParts(new Date(instant));
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

/** Whether `timeZone` is one Intl knows (checked when an import is asked for, not per line). */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone });
    return true;
  } catch {
    return false;
  }
}
