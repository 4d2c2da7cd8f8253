import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifySchemaCompiler } from 'fastify';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const common = { allErrors: true, strict: false, useDefaults: true } as const;

// Bodies are JSON with real types: "5" is not a quantity, and unknown fields are refused, not dropped.
const bodyAjv = addFormats(new Ajv({ ...common, coerceTypes: false, removeAdditional: false }));
// Query strings, params and headers are text on the wire, so their numbers and booleans are coerced.
const textAjv = addFormats(new Ajv({ ...common, coerceTypes: 'array', removeAdditional: false }));

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? bodyAjv : textAjv).compile(schema as object) as never;
