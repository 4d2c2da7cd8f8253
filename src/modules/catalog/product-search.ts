import { Type } from 'typebox';
import { type FieldError, invalid } from '../../platform/errors.js';
import { decodeCursor, encodeCursor } from '../../platform/http/pagination.js';
import { UUID_PATTERN } from '../../platform/ids.js';
import type { AttributeType, AttributeValue, ProductSort } from './catalog.schemas.js';

const MAX_QUERY_WORDS = 16;

/**
 * Han, kana and Hangul: scripts written without spaces. The same class as the search vector's
 * ordersync_cjk_grams (migration 20261204_2340_cjk_search), which adds each run's character bigrams
 * and single characters to the vector.
 */
const CJK_RUN = /[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]+/gu;

/** A CJK run as the vector holds it: its bigrams, adjacent (茶具套 → 茶具 <-> 具套), or one character. */
function cjkTerm(run: string): string {
  if (run.length === 1) return run;
  const grams = Array.from({ length: run.length - 1 }, (_, i) => run.slice(i, i + 2));
  return grams.length === 1 ? grams[0]! : `(${grams.join(' <-> ')})`;
}

/**
 * One word as a tsquery term: a prefix; and for a word with CJK in it, also its CJK runs found
 * anywhere inside a longer word (`茶具` inside 青瓷茶具套装), beside prefixes of its other parts.
 */
function wordTerm(word: string): string {
  const runs = word.match(CJK_RUN);
  if (!runs) return `${word}:*`;
  const others = word
    .split(CJK_RUN)
    .filter((part) => part.length > 0)
    .map((part) => `${part}:*`);
  return `(${word}:* | ${[...others, ...runs.map(cjkTerm)].join(' & ')})`;
}

/**
 * A tsquery from free text: "Linen shi" → "linen:* & shi:*", "茶具" → "(茶具:* | 茶具)". Words are the
 * runs of letters and digits, so no tsquery operator or quote from the user's text reaches
 * to_tsquery. Undefined when nothing is left, meaning no text filter.
 */
export function buildPrefixTsQuery(q: string | undefined): string | undefined {
  if (!q) return undefined;
  const words = q
    .toLowerCase()
    .split(/[^\p{L}\p{M}\p{N}]+/u)
    .filter((w) => w.length > 0)
    .slice(0, MAX_QUERY_WORDS);
  return words.length > 0 ? words.map(wordTerm).join(' & ') : undefined;
}

/** One `attr.<name>=a,b` parameter: the product's attribute must equal one of `anyOf`. */
export interface AttributeFilter {
  name: string;
  anyOf: AttributeValue[];
}

const ATTR_PREFIX = 'attr.';

/** The raw `attr.<name>` parameters of a query string, by attribute name. */
export function attributeParams(query: Record<string, unknown>): Map<string, string> {
  const params = new Map<string, string>();
  for (const [key, value] of Object.entries(query)) {
    if (key.startsWith(ATTR_PREFIX) && typeof value === 'string')
      params.set(key.slice(ATTR_PREFIX.length), value);
  }
  return params;
}

const NUMBER = /^-?\d+(\.\d+)?$/;

function coerce(value: string, type: AttributeType): AttributeValue | undefined {
  switch (type) {
    case 'number':
      return NUMBER.test(value) ? Number(value) : undefined;
    case 'boolean':
      return value === 'true' ? true : value === 'false' ? false : undefined;
    default:
      return value;
  }
}

/**
 * Types each filter value by the attribute's declared type(s) across all categories, so that
 * `attr.wireless=true` matches the JSON `true` and `attr.warrantyMonths=12` the number 12. A name no
 * category declares, or a value that fits none of the declared types, is a 400 naming the parameter.
 */
export function typeAttributeFilters(
  params: Map<string, string>,
  declared: Map<string, Set<AttributeType>>,
): AttributeFilter[] {
  const filters: AttributeFilter[] = [];
  const errors: FieldError[] = [];
  for (const [name, raw] of params) {
    const types = declared.get(name);
    if (!types) {
      errors.push({ field: `querystring.attr.${name}`, message: `no category has the attribute ${name}` });
      continue;
    }
    const anyOf: AttributeValue[] = [];
    const values = raw
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v.length > 0);
    if (values.length === 0) errors.push({ field: `querystring.attr.${name}`, message: 'must name a value' });
    for (const value of values) {
      const typed = [...types].map((t) => coerce(value, t)).filter((v) => v !== undefined);
      if (typed.length === 0) {
        const expected = [...types].map((t) => (t === 'boolean' ? 'true or false' : `a ${t}`)).join(' or ');
        errors.push({ field: `querystring.attr.${name}`, message: `"${value}" is not ${expected}` });
      }
      for (const v of typed) if (!anyOf.includes(v)) anyOf.push(v);
    }
    filters.push({ name, anyOf });
  }
  if (errors.length > 0) throw invalid(errors);
  return filters;
}

/** Resolves the sort: relevance needs search words, so without them it is newest. */
export function effectiveSort(sort: ProductSort | undefined, hasText: boolean): ProductSort {
  if (sort === undefined) return hasText ? 'relevance' : 'newest';
  return sort === 'relevance' && !hasText ? 'newest' : sort;
}

/** Where the next page starts: a keyset for newest and price sorts, an offset for relevance. */
export type SearchPosition =
  | { sort: 'newest'; createdAt: string; id: string }
  | { sort: 'price_asc' | 'price_desc'; minPrice: number; id: string }
  | { sort: 'relevance'; offset: number };

export function encodeSearchCursor(position: SearchPosition): string {
  switch (position.sort) {
    case 'newest':
      return encodeCursor([position.sort, position.createdAt, position.id]);
    case 'price_asc':
    case 'price_desc':
      return encodeCursor([position.sort, position.minPrice, position.id]);
    case 'relevance':
      return encodeCursor([position.sort, position.offset]);
  }
}

const UUID = new RegExp(UUID_PATTERN);
const ISO_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

// The shapes; what each value means for the sort is checked below.
const OFFSET_CURSOR = Type.Tuple([Type.String(), Type.Unknown()]);
const KEYSET_CURSOR = Type.Tuple([Type.String(), Type.Unknown(), Type.Unknown()]);

const notOurs = () =>
  invalid([{ field: 'querystring.cursor', message: 'is not a cursor this list gave out' }]);

/** Decodes a cursor given out for the same sort; anything else is a 400, never a bad SQL parameter. */
export function decodeSearchCursor(
  sort: ProductSort,
  cursor: string | undefined,
): SearchPosition | undefined {
  if (cursor === undefined) return undefined;
  const values = decodeCursor(cursor, sort === 'relevance' ? OFFSET_CURSOR : KEYSET_CURSOR)!;
  if (values[0] !== sort) throw notOurs();
  if (sort === 'relevance') {
    const offset = values[1];
    if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) throw notOurs();
    return { sort, offset };
  }
  const [, key, id] = values;
  if (typeof id !== 'string' || !UUID.test(id)) throw notOurs();
  if (sort === 'newest') {
    if (typeof key !== 'string' || !ISO_TIME.test(key) || Number.isNaN(Date.parse(key))) throw notOurs();
    return { sort, createdAt: key, id };
  }
  if (typeof key !== 'number' || !Number.isSafeInteger(key)) throw notOurs();
  return { sort, minPrice: key, id };
}
