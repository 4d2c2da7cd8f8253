import { type TUnsafe, Type } from 'typebox';
import { UUID_PATTERN } from './ids.js';

/** A string enum as plain JSON Schema `enum` (reads better in OpenAPI than a union of consts). */
export const StringEnum = <const T extends readonly string[]>(
  values: T,
  options: { description?: string; default?: T[number] } = {},
): TUnsafe<T[number]> => Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });

export const Uuid = (options: { description?: string } = {}) =>
  Type.String({ pattern: UUID_PATTERN, ...options });

/** Integer minor units (fen, cents); never floats. */
export const Money = (options: { description?: string; minimum?: number } = {}) =>
  Type.Integer({ maximum: 1e13, ...options });

export const Currency = () => Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217 code' });

export const DateTime = () => Type.String({ format: 'date-time' });
