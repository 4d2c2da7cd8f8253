import type { TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { AppError } from '../../platform/errors.js';
import { ChannelOrder } from './channel-order.js';

/**
 * A channel's JSON payload checked against the fields an adapter reads (extra fields are the
 * channel's business): a 422 naming the first few that are wrong, never a crash further in.
 */
export function parsePayload<S extends TSchema>(schema: S, text: string, what: string) {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError('validation_failed', `The ${what} is not JSON`, {
      errors: [{ field: 'body', message: 'is not valid JSON' }],
    });
  }
  return checkPayload(schema, value, what);
}

export function checkPayload<S extends TSchema>(schema: S, value: unknown, what: string) {
  if (!Value.Check(schema, value)) {
    const errors = [...Value.Errors(schema, value)].slice(0, 5).map((e) => ({
      field: `body${(e as { instancePath?: string }).instancePath ?? ''}`,
      message: e.message,
    }));
    throw new AppError('unprocessable', `The ${what} is not one this adapter can read`, { errors });
  }
  return value as import('typebox').Static<S>;
}

/** An adapter's result, held to the canonical shape (lengths, formats) before it goes further. */
export function canonical(order: ChannelOrder, what: string): ChannelOrder {
  return checkPayload(ChannelOrder, order, what);
}
