import type { FastifyRequest } from 'fastify';
import { type LoggerOptions, stdSerializers } from 'pino';
import { PERSONAL_FIELDS, REDACTED, SECRET_FIELDS } from './personal-fields.js';

const HIDDEN = new Set<string>([...PERSONAL_FIELDS, ...SECRET_FIELDS].map((f) => f.toLowerCase()));
const EMAIL = /[^\s@"'<>(),;:=&?/]+@[^\s@"'<>(),;:=&?/]+\.[a-z]{2,}/gi;
// A free-standing run of digits, spaces, dashes and brackets: masked when it holds 11 or more digits
// (a phone, not a date or an amount): `+86 138 0013 8000`. Runs inside a word (an order number
// `SO-20261205-000123`, a UUID) are left alone.
const DIGIT_RUN = /(?<![\w-])\+?\d[\d ()-]{9,}\d(?![\w-])/g;
const PERSONAL_QUERY = /\b(email|phone|name|q|search)=[^&\s"]*/gi;

/** A text with e-mail addresses, phone numbers and personal query parameters masked. */
export function scrubText(text: string): string {
  return text
    .replace(EMAIL, '[email]')
    .replace(DIGIT_RUN, (run) => (run.replace(/\D/g, '').length >= 11 ? '[phone]' : run))
    .replace(PERSONAL_QUERY, (_m, key: string) => `${key}=${REDACTED}`);
}

const isPlain = (v: object) => {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
};

/**
 * A log object without personal data: fields named as personal or secret are `[redacted]` at any
 * depth, texts are scrubbed. Class instances (requests, replies, errors) are left to their serializers,
 * which scrub what they produce.
 */
export function scrubLogObject(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (Array.isArray(value)) return value.map((v) => scrubLogObject(v, depth + 1));
  if (!isPlain(value)) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      HIDDEN.has(k.toLowerCase()) ? REDACTED : scrubLogObject(v, depth + 1),
    ]),
  );
}

/**
 * pino options for every logger of the service: logs never hold an e-mail, phone, name or street
 * address (they would be copies an erasure cannot reach). A request is logged by method and route
 * with its query scrubbed; an error's message and details (a database error quotes the values) too.
 */
export function privateLogOptions(level: string): LoggerOptions {
  return {
    level,
    formatters: { log: (object) => scrubLogObject(object) as Record<string, unknown> },
    serializers: {
      req: (req: FastifyRequest) => ({
        method: req.method,
        url: scrubText(req.url),
        host: req.host,
        remoteAddress: req.ip,
      }),
      err: (error: Error) => scrubLogObject({ ...stdSerializers.err(error) }),
    },
  };
}
