import { type Static, type TSchema, Type } from 'typebox';
import { invalid } from '../errors.js';
import { Uuid } from '../schemas.js';
import { parseAs } from './validation.js';

export const PageQuery = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 512 })),
};

/** A list page: the items and the cursor for the next page (null on the last). */
export const Page = <T extends Parameters<typeof Type.Array>[0]>(item: T) =>
  Type.Object({ data: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });

/** Cursors are opaque to clients: base64url of the keyset values of the last row served. */
export function encodeCursor(values: unknown[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/**
 * The page of a keyset query that read `limit + 1` rows: the extra row only says a next page exists,
 * and the cursor holds the keyset values of the last row served.
 */
export function pageOf<R, T>(
  rows: readonly R[],
  limit: number,
  toItem: (row: R) => T,
  cursorOf: (last: R) => unknown[],
): { data: T[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  return {
    data: page.map(toItem),
    nextCursor: rows.length > limit ? encodeCursor(cursorOf(page.at(-1)!)) : null,
  };
}

/** The cursor of lists that page by id alone (UUIDv7 ids sort by time). */
export const IdCursor = Type.Tuple([Uuid()]);

/**
 * The keyset values of a cursor, checked against the shape this list encodes (types, formats, the
 * text rule): a cursor is client input like any other, and a forged one is a 400, not a SQL error.
 */
export function decodeCursor<T extends TSchema>(cursor: string | undefined, shape: T): Static<T> | undefined {
  if (cursor === undefined) return undefined;
  try {
    return parseAs(shape, JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')), 'cursor');
  } catch {
    throw invalid([{ field: 'querystring.cursor', message: 'is not a cursor this list gave out' }]);
  }
}
