import randexpModule from 'randexp';
import { SeededRandom as Random } from '../../src/platform/seeded-random.js';

/**
 * The pieces of the fuzz test over /openapi.json: a seeded random source, a generator of values a
 * JSON schema accepts, and the values an attacker sends instead.
 */

// randexp is CommonJS with a default-export type; at run time the module is the class.
const RandExp = ((randexpModule as { default?: unknown }).default ?? randexpModule) as new (
  pattern: string,
) => { gen(): string; randInt: (a: number, b: number) => number; max: number };

/** The seeded generator of the demo data: the same seed sends the same requests. */
export { Random };

export type Schema = Record<string, unknown> & {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  additionalProperties?: boolean | Schema;
  patternProperties?: Record<string, Schema>;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  enum?: unknown[];
};

/** JSON text written as is, for what JSON.stringify cannot spell (99999999999999999999999, "__proto__"). */
export class RawJson {
  constructor(readonly text: string) {}
}

/** JSON text of a value that may hold RawJson parts. */
export function toJson(value: unknown): string {
  const raw: string[] = [];
  const text = JSON.stringify(value, (_key, v) => {
    if (v instanceof RawJson) {
      raw.push(v.text);
      return `\u0001raw${raw.length - 1}\u0001`;
    }
    return v;
  });
  return text.replace(/"\\u0001raw(\d+)\\u0001"/g, (_m, i) => raw[Number(i)]!);
}

/**
 * A value the schema accepts, as a client following the docs would send it (best effort). Fields
 * named in `known` take that value (a real SKU, a real warehouse), so requests reach past lookups.
 */
export function validValue(
  schema: Schema,
  random: Random,
  known: Record<string, unknown> = {},
  depth = 0,
): unknown {
  if (schema.const !== undefined) return schema.const;
  if (schema.enum) return random.pick(schema.enum);
  if (schema.default !== undefined && random.next() < 0.3) return schema.default;
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches) {
    const usable = branches.filter((b) => b.type !== 'null');
    return validValue(random.pick(usable.length ? usable : branches), random, known, depth);
  }
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((s) => validValue(s, random, known, depth)));
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'string':
      return validString(schema, random);
    case 'integer':
    case 'number': {
      const min = typeof schema.minimum === 'number' ? schema.minimum : 1;
      const max = typeof schema.maximum === 'number' ? schema.maximum : min + 100;
      return Math.min(max, Math.max(min, random.int(min, Math.min(max, min + 10))));
    }
    case 'boolean':
      return random.next() < 0.5;
    case 'array': {
      if (depth > 4) return [];
      const min = typeof schema.minItems === 'number' ? schema.minItems : 0;
      return Array.from({ length: Math.max(min, 1) }, () =>
        validValue(schema.items ?? {}, random, known, depth + 1),
      );
    }
    case 'object':
      return validObject(schema, random, known, depth);
    default:
      return schema.properties ? validObject(schema, random, known, depth) : 'x';
  }
}

function validObject(
  schema: Schema,
  random: Random,
  known: Record<string, unknown>,
  depth: number,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (depth > 4) return out;
  const required = new Set(schema.required ?? []);
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    if (name in known) out[name] = known[name];
    else if (required.has(name) || random.next() < 0.5)
      out[name] = validValue(property, random, known, depth + 1);
  }
  const minProperties = typeof schema.minProperties === 'number' ? schema.minProperties : 0;
  const extra = schema.patternProperties
    ? Object.entries(schema.patternProperties)[0]
    : typeof schema.additionalProperties === 'object'
      ? ['^[a-z]{1,8}$', schema.additionalProperties]
      : undefined;
  if (extra) {
    for (let i = Object.keys(out).length; i < Math.max(minProperties, 1); i++) {
      out[patternString(extra[0] as string, random)] = validValue(
        extra[1] as Schema,
        random,
        known,
        depth + 1,
      );
    }
  }
  return out;
}

function validString(schema: Schema, random: Random): string {
  switch (schema.format) {
    case 'email':
      return `fuzz-${random.int(1, 1e6)}@example.com`;
    case 'date-time':
      return new Date(Date.UTC(2025, 0, random.int(1, 28))).toISOString();
    case 'date':
      return '2025-01-15';
    case 'uri':
      return 'https://example.com/hooks/fuzz';
  }
  const min = typeof schema.minLength === 'number' ? schema.minLength : 1;
  let text = typeof schema.pattern === 'string' ? patternString(schema.pattern, random) : 'fuzz';
  while (text.length < min) text += 'x';
  return typeof schema.maxLength === 'number' ? text.slice(0, schema.maxLength) : text;
}

function patternString(pattern: string, random: Random): string {
  const generator = new RandExp(pattern);
  generator.max = 8;
  generator.randInt = (a, b) => random.int(a, b);
  return generator.gen();
}

const deep = (levels: number): unknown => (levels === 0 ? 'deep' : [deep(levels - 1)]);

/** Text a client can put anywhere: NUL, lone surrogates, overlong, injection and path tricks. */
export const HOSTILE_TEXT: readonly string[] = [
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\udc00\ud800',
  '',
  ' ',
  'x'.repeat(5000),
  '🙂🙂',
  '青瓷茶具',
  "'; drop table orders; --",
  '%00',
  '../../etc/passwd',
  '__proto__',
  'constructor',
  'toString',
  '\u202eevil',
  '\r\nX-Injected: 1',
  '1e308',
  'Infinity',
  '-Infinity',
  'NaN',
  '99999999999999999999999',
  '-1',
  '0',
  '1.5',
  '0x10',
  'null',
  'true',
  '2024-13-45T99:99:99Z',
  '0000-01-01T00:00:00Z',
  '+275760-09-13T00:00:00Z',
  '9999-12-31T23:59:59-23:59',
  '00000000-0000-0000-0000-000000000000',
];

/** JSON values of every kind and extreme, for body fields. */
export const HOSTILE_JSON: readonly unknown[] = [
  ...HOSTILE_TEXT,
  null,
  true,
  false,
  0,
  -1,
  0.5,
  -0,
  1e308,
  -1e308,
  5e-324,
  2 ** 31,
  2 ** 53,
  -(2 ** 53),
  new RawJson('99999999999999999999999'),
  new RawJson('1e400'),
  [],
  {},
  [null],
  [[]],
  Array.from({ length: 10_000 }, () => null),
  Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`k${i}`, i])),
  new RawJson('{"__proto__":{"admin":true}}'),
  { constructor: { prototype: { admin: true } } },
  deep(64),
  new RawJson(`${'['.repeat(100_000)}${']'.repeat(100_000)}`),
];

const cursorOf = (value: unknown) => Buffer.from(toJson(value)).toString('base64url');

/** Cursors of the right shape and wrong content, plus plain garbage. */
export const HOSTILE_CURSORS: readonly string[] = [
  cursorOf([]),
  cursorOf([null]),
  cursorOf([null, null]),
  cursorOf(['zz', new RawJson('1e+308')]),
  cursorOf(['\u0000', '\u0000']),
  cursorOf(['\ud800', 'x']),
  cursorOf([1, 2, 3]),
  cursorOf(['2025-01-01T00:00:00.000Z', 'not-a-uuid']),
  cursorOf(['newest', 'yesterday', 'x']),
  cursorOf(['relevance', 1e308]),
  cursorOf(['price_asc', new RawJson('99999999999999999999999'), '0190a0a0-0000-7000-8000-000000000000']),
  cursorOf({}),
  cursorOf('x'),
  cursorOf([[], {}]),
  'WyJ6eiIsMWUrMzA4XQ',
  '!!!',
  'e30',
  '',
];

/**
 * Percent-encodes text as UTF-8 byte for byte, a lone surrogate as the three bytes a careless
 * encoder writes for it (encodeURIComponent would throw, URLSearchParams would replace it).
 */
export function percentEncode(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (/[A-Za-z0-9_.~-]/.test(char)) {
      out += char;
      continue;
    }
    const code = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    let bytes: number[];
    if (code >= 0xd800 && code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
      bytes = [...Buffer.from(text.slice(i, i + 2))];
      i++;
    } else if (code >= 0xd800 && code <= 0xdfff) {
      bytes = [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)];
    } else {
      bytes = [...Buffer.from(char)];
    }
    out += bytes.map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('');
  }
  return out;
}
