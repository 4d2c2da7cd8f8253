import { _, Ajv, type KeywordCxt, type Options, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';
import type { Static, TSchema } from 'typebox';
import { invalid } from '../errors.js';
import { fieldErrors } from './problem.js';
import { malformedText } from './well-formed-text.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

// strict: false lets schemas carry OpenAPI words (example, x-…); strictNumbers stays on, since it
// is what refuses NaN and Infinity in JSON bodies (1e400 parses as Infinity).
const common = { allErrors: true, strict: false, strictNumbers: true, useDefaults: true } as const;

function edgeAjv(options: Options): Ajv {
  const ajv = addFormats(new Ajv({ ...common, ...options }));
  // Ajv coerces "-Infinity" in a query string to a number and then skips minimum and maximum, which
  // compare finite numbers only; `finite`, put on every number by edgeSchema, refuses it. Not
  // `type: 'number'`: Ajv guards typed keywords with isFinite, so they would never see Infinity.
  ajv.addKeyword({
    keyword: 'finite',
    schemaType: 'boolean',
    error: { message: 'must be a finite number' },
    code: (cxt: KeywordCxt) => cxt.fail(_`typeof ${cxt.data} == "number" && !isFinite(${cxt.data})`),
  });
  return ajv;
}

// Bodies are JSON with real types: "5" is not a quantity, and unknown fields are refused, not dropped.
const bodyAjv = edgeAjv({ coerceTypes: false, removeAdditional: false });
// Query strings, params and headers are text on the wire, so their numbers and booleans are coerced.
const textAjv = edgeAjv({ coerceTypes: 'array', removeAdditional: false });

type JsonSchema = Record<string, unknown>;
const isSchema = (value: unknown): value is JsonSchema =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const SUBSCHEMA = [
  'items',
  'additionalItems',
  'additionalProperties',
  'not',
  'if',
  'then',
  'else',
  'contains',
];
// items is a list in a tuple (draft-07, as TypeBox writes Type.Tuple).
const SUBSCHEMA_LISTS = ['items', 'anyOf', 'oneOf', 'allOf', 'prefixItems'];
const SUBSCHEMA_MAPS = ['properties', 'patternProperties', '$defs', 'definitions'];

/**
 * The route's schema as enforced at the edge, whatever each route remembered to say: an object
 * that does not say otherwise has no unknown fields (bodies), and an integer is one JavaScript and
 * the database can both hold exactly (|n| < 2^53; 1e308 is an "integer" to JSON Schema). A copy:
 * response schemas share these objects and must not change.
 */
export function edgeSchema(schema: unknown, closeObjects: boolean, inAllOf = false): unknown {
  if (!isSchema(schema)) return schema;
  const out: JsonSchema = { ...schema };
  for (const key of SUBSCHEMA) if (key in out) out[key] = edgeSchema(out[key], closeObjects);
  for (const key of SUBSCHEMA_LISTS) {
    if (Array.isArray(out[key]))
      out[key] = (out[key] as unknown[]).map((s) => edgeSchema(s, closeObjects, key === 'allOf'));
  }
  for (const key of SUBSCHEMA_MAPS) {
    if (isSchema(out[key]))
      out[key] = Object.fromEntries(
        Object.entries(out[key]).map(([name, s]) => [name, edgeSchema(s, closeObjects)]),
      );
  }
  const isObject = out.type === 'object' || isSchema(out.properties);
  // An allOf member sees only its own properties; closing it would refuse its siblings' fields.
  if (
    closeObjects &&
    isObject &&
    !inAllOf &&
    !('additionalProperties' in out) &&
    !('patternProperties' in out)
  )
    out.additionalProperties = false;
  if (out.type === 'integer' || out.type === 'number') out.finite = true;
  if (out.type === 'integer') {
    out.maximum = Math.min(Number(out.maximum ?? Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER);
    out.minimum = Math.max(Number(out.minimum ?? Number.MIN_SAFE_INTEGER), Number.MIN_SAFE_INTEGER);
  }
  return out;
}

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) =>
  httpPart === 'body'
    ? (bodyAjv.compile(edgeSchema(schema, true) as object) as never)
    : (textAjv.compile(edgeSchema(schema, false) as object) as never);

const checks = new WeakMap<TSchema, ValidateFunction>();

/**
 * Checks a value the code parsed itself (a cursor, a signed push) as a route's body would be: its
 * schema (objects closed, integers safe) and the text rule. Returns it typed; else a 400 naming
 * each field under `context`.
 */
export function parseAs<T extends TSchema>(schema: T, value: unknown, context: string): Static<T> {
  let check = checks.get(schema);
  if (!check) {
    check = bodyAjv.compile(edgeSchema(schema, true) as object);
    checks.set(schema, check);
  }
  const errors = check(value) ? malformedText(value, context) : fieldErrors(context, check.errors ?? []);
  if (errors.length > 0) throw invalid(errors);
  return value as Static<T>;
}
