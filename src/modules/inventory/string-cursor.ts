import { invalid } from '../../platform/errors.js';
import { decodeCursor } from '../../platform/http/pagination.js';

/** Decodes a cursor whose keyset values are all text, refusing one that was tampered with. */
export function decodeStringCursor(
  cursor: string | undefined,
  arity: number,
  valid: (values: string[]) => boolean = () => true,
): string[] | undefined {
  const values = decodeCursor(cursor, arity);
  if (values === undefined) return undefined;
  if (values.every((v): v is string => typeof v === 'string') && valid(values)) return values;
  throw invalid([{ field: 'querystring.cursor', message: 'is not a cursor this list gave out' }]);
}
