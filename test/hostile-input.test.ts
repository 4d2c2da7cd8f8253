import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { address, createProduct, createWarehouse, orderBody, setStock } from './helpers/factories.js';
import {
  HOSTILE_CURSORS,
  HOSTILE_JSON,
  HOSTILE_TEXT,
  percentEncode,
  Random,
  type Schema,
  toJson,
  validValue,
} from './helpers/hostile-input.js';
import { paySandbox } from './helpers/lifecycle.js';
import { useTestApp } from './helpers/test-app.js';

/**
 * Every operation that /openapi.json lists, routes added later included, fed hostile values in its
 * path, query and body: no answer may be a 5xx, and every error must be an RFC 9457 problem. The
 * seed makes a run repeatable; FUZZ_SEED=<n> explores others.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 11);
/** Random hostile values per parameter or body field, on top of NUL and a lone surrogate. */
const PER_TARGET = 6;

interface Operation {
  method: string;
  path: string;
  pathParams: Array<{ name: string; schema: Schema }>;
  queryParams: Array<{ name: string; schema: Schema }>;
  /** The JSON body schema; undefined when the operation takes none or takes raw text (callbacks). */
  body: Schema | undefined;
  rawBody: boolean;
}

interface Attempt {
  method: string;
  path: Record<string, string>;
  query: Record<string, string>;
  body: unknown;
  /** Raw URL pieces sent unencoded (bad percent-encoding). */
  rawPath?: Record<string, string>;
  rawQuery?: string;
}

type Parameter = { in: string; name: string; schema: Schema };
type OpenApiOperation = {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
};

function operationsOf(openapi: { paths: Record<string, Record<string, OpenApiOperation>> }): Operation[] {
  return Object.entries(openapi.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod).map(([method, op]) => {
      const params = op.parameters ?? [];
      const content = op.requestBody?.content ?? {};
      const json = content['application/json']?.schema;
      const rawBody = json?.type === 'string';
      return {
        method: method.toUpperCase(),
        path,
        pathParams: params.filter((p) => p.in === 'path'),
        queryParams: params.filter((p) => p.in === 'query'),
        body: json && !rawBody ? json : undefined,
        rawBody,
      };
    }),
  );
}

/** Paths to every node of a JSON value, the root included. */
function nodePaths(value: unknown, at: (string | number)[] = []): (string | number)[][] {
  const out = [at];
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) out.push(...nodePaths(v, [...at, i]));
  } else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) out.push(...nodePaths(v, [...at, k]));
  return out;
}

function replaced(root: unknown, path: (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path.at(-1)!] = value;
  return copy;
}

function urlOf(op: Operation, a: Attempt): string {
  const path = op.path.replace(/\{(\w+)\}/g, (_m, name: string) =>
    a.rawPath?.[name] !== undefined ? a.rawPath[name] : percentEncode(a.path[name] ?? ''),
  );
  const query = Object.entries(a.query).map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`);
  if (a.rawQuery) query.push(a.rawQuery);
  return query.length ? `${path}?${query.join('&')}` : path;
}

/** What is wrong with an answer, or undefined when it is a success or a proper problem. */
function defectOf(res: LightMyRequestResponse): string | undefined {
  if (res.statusCode >= 500) return `a ${res.statusCode}`;
  if (res.statusCode < 400) return undefined;
  if (!/^application\/problem\+json/.test(String(res.headers['content-type'])))
    return `an error as ${res.headers['content-type']}`;
  const body = res.json();
  if (typeof body.type !== 'string' || typeof body.title !== 'string' || typeof body.detail !== 'string')
    return 'a problem without type, title and detail';
  if (body.status !== res.statusCode) return `a problem whose status ${body.status} is not the answer's`;
  return undefined;
}

describe('hostile input over every operation of /openapi.json', () => {
  const t = useTestApp({ rateLimitPerKeyPerMinute: 0, rateLimitPerAddressPerMinute: 0 });
  /** Path parameter values that name real rows, by "<first segment>.<name>", so requests go deep. */
  const known: Record<string, string> = {};
  /** Body fields that must name real things for a request to get past its lookups. */
  const knownFields: Record<string, unknown> = {
    addresses: { home: address() },
    shipTo: 'home',
    currency: 'CNY',
    country: 'CN',
    paymentMethod: 'sandbox',
    provider: 'sandbox',
    transport: 'webhook',
    url: 'https://example.com/hooks/fuzz',
  };

  beforeAll(async () => {
    const [item] = await createProduct(t(), [2500]);
    const warehouse = await createWarehouse(t());
    await setStock(t(), item!.sku, warehouse.code, 1000);
    const order = await t().request({
      method: 'POST',
      url: '/v1/orders',
      payload: orderBody([{ sku: item!.sku, quantity: 1 }]),
    });
    const paid = await paySandbox(t(), order.json().id);
    const cart = (await t().request({ method: 'POST', url: '/v1/carts', payload: {} })).json();
    const line = await t().request({
      method: 'POST',
      url: `/v1/carts/${cart.id}/items`,
      payload: { sku: item!.sku, quantity: 1 },
    });
    Object.assign(knownFields, {
      sku: item!.sku,
      warehouse: warehouse.code,
      categoryId: (await t().request({ method: 'GET', url: `/v1/products/${item!.productId}` })).json()
        .categoryId,
    });
    Object.assign(known, {
      'products.id': item!.productId,
      'inventory.sku': item!.sku,
      'inventory.warehouse': warehouse.code,
      'warehouses.warehouse': warehouse.code,
      'orders.id': order.json().id,
      'payments.id': paid.id,
      'carts.id': cart.id,
      'carts.itemId': line.json().items?.[0]?.id ?? '',
      'callbacks.provider': 'sandbox',
      'callbacks.carrier': 'sf',
    });
  });

  // Thousands of requests, growing with the API: its own time limit, not the suite's minute.
  it('answers every request without a 5xx, and every error as application/problem+json', {
    timeout: 240_000,
  }, async () => {
    const openapi = (await t().request({ method: 'GET', url: '/openapi.json' })).json();
    const operations = operationsOf(openapi);
    expect(operations.length).toBeGreaterThanOrEqual(71);
    const random = new Random(SEED);
    const defects: string[] = [];
    const unknownFieldAccepted: string[] = [];
    let sent = 0;

    for (const op of operations) {
      const resource = op.path.split('/')[2] ?? '';
      const base: Attempt = {
        method: op.method,
        path: Object.fromEntries(
          op.pathParams.map((p) => [
            p.name,
            known[`${resource}.${p.name}`] ?? String(validValue(p.schema, random)),
          ]),
        ),
        query: {},
        body: op.body ? validValue(op.body, random, knownFields) : op.rawBody ? '{}' : undefined,
      };
      const attempts: Attempt[] = [base];
      const text = (name: string) => [
        '\u0000',
        '\ud800',
        ...Array.from({ length: PER_TARGET }, () =>
          random.pick(name === 'cursor' ? HOSTILE_CURSORS : HOSTILE_TEXT),
        ),
      ];
      for (const p of op.pathParams) {
        for (const value of text(p.name)) attempts.push({ ...base, path: { ...base.path, [p.name]: value } });
        attempts.push(
          { ...base, rawPath: { [p.name]: '%zz' } },
          { ...base, rawPath: { [p.name]: 'x'.repeat(120) } },
        );
      }
      for (const p of op.queryParams) {
        for (const value of text(p.name)) attempts.push({ ...base, query: { [p.name]: value } });
        attempts.push({ ...base, query: { [p.name]: String(validValue(p.schema, random)) } });
      }
      if (op.queryParams.length) attempts.push({ ...base, rawQuery: `${op.queryParams[0]!.name}=%zz%` });
      if (op.body) {
        for (const at of nodePaths(base.body)) {
          const values = [
            '\u0000',
            '\ud800',
            ...Array.from({ length: PER_TARGET }, () => random.pick(HOSTILE_JSON)),
          ];
          for (const value of values) attempts.push({ ...base, body: replaced(base.body, at, value) });
        }
      }
      if (op.rawBody) {
        for (const value of Array.from({ length: PER_TARGET }, () => random.pick(HOSTILE_JSON)))
          attempts.push({ ...base, body: toJson(value) });
      }

      for (const a of attempts) {
        const url = urlOf(op, a);
        const res = await t().request({
          method: a.method as 'GET',
          url,
          ...(a.body === undefined
            ? {}
            : {
                payload: typeof a.body === 'string' && op.rawBody ? a.body : toJson(a.body),
                headers: { 'content-type': 'application/json' },
              }),
        });
        sent++;
        const defect = defectOf(res);
        if (defect)
          defects.push(
            `${a.method} ${url.slice(0, 120)} ${toJson(a.body ?? null).slice(0, 120)} → ${defect}: ${res.body.slice(0, 160)}`,
          );
      }

      // Unknown fields are refused, not ignored and not dropped: one at the top of every JSON body.
      if (op.body && op.body.type === 'object') {
        const res = await t().request({
          method: op.method as 'POST',
          url: urlOf(op, base),
          payload: toJson({ ...(base.body as object), fuzzUnknownField: 'x'.repeat(1000) }),
          headers: { 'content-type': 'application/json' },
        });
        sent++;
        const named =
          res.statusCode === 400 && JSON.stringify(res.json().errors).includes('fuzzUnknownField');
        if (!named)
          unknownFieldAccepted.push(`${op.method} ${op.path} → ${res.statusCode} ${res.body.slice(0, 300)}`);
      }
    }

    expect({ sent, defects }).toEqual({ sent, defects: [] });
    expect(unknownFieldAccepted).toEqual([]);
  });
});
