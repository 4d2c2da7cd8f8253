import type { FastifyInstance } from 'fastify';
import { type FieldError, invalid } from '../errors.js';

// NUL is refused by PostgreSQL in text and jsonb; a lone UTF-16 surrogate has no UTF-8 spelling (jsonb
// refuses its escape, text silently becomes U+FFFD). Neither is anything a person meant to write.
const LONE_SURROGATE = /\p{Cs}/u;
const MESSAGE = 'must not contain NUL or an unpaired UTF-16 surrogate';
/** Enough to name what is wrong without echoing a 1 MB body's every field. */
const MAX_REPORTED = 20;

export const isWellFormedText = (text: string): boolean =>
  !text.includes('\u0000') && !LONE_SURROGATE.test(text);

/**
 * Every string in a parsed request part (object keys too) that breaks the text rule, as field errors
 * named like Ajv's ("body.customer.name"). Walks with its own stack: nesting depth is the client's.
 */
export function malformedText(value: unknown, context: string): FieldError[] {
  const errors: FieldError[] = [];
  const stack: Array<[unknown, string]> = [[value, context]];
  while (stack.length > 0 && errors.length < MAX_REPORTED) {
    const [node, field] = stack.pop()!;
    if (typeof node === 'string') {
      if (!isWellFormedText(node)) errors.push({ field, message: MESSAGE });
    } else if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push([node[i], `${field}[${i}]`]);
    } else if (node !== null && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) {
        if (!isWellFormedText(key))
          errors.push({ field: `${field}.${JSON.stringify(key)}`, message: MESSAGE });
        else stack.push([child, `${field}.${key}`]);
      }
    }
  }
  return errors;
}

/**
 * One rule for every route, present and future: path parameters, query strings and JSON bodies hold
 * well-formed text, checked before the route's schema. Raw bodies (signed callbacks) are checked by
 * their parsers once decoded.
 */
export function registerTextRule(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    const errors = [
      ...malformedText(request.params, 'params'),
      ...malformedText(request.query, 'querystring'),
      ...malformedText(request.body, 'body'),
    ];
    if (errors.length > 0) throw invalid(errors.slice(0, MAX_REPORTED), 'The request holds malformed text');
  });
}
