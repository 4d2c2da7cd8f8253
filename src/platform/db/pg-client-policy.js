// How OrderSync drives a node-postgres client, on PostgreSQL (connect.ts) and on PGlite's thread
// (pglite-thread.worker.js) alike. Plain JavaScript because that thread loads it without a
// TypeScript loader; the types are in pg-client-policy.d.ts.
import { createHash } from 'node:crypto';
import pg from 'pg';

const INT8_OID = 20;
const MAX_PREPARED_PER_CONNECTION = 1000;

/** int8 (counts, money) as JS numbers: amounts stay far below 2^53 minor units. */
export const pgTypes = {
  getTypeParser: (oid, format) => (oid === INT8_OID ? (v) => Number(v) : pg.types.getTypeParser(oid, format)),
};

/**
 * Wraps one connection's `query` so every parameterized query runs as a named prepared statement:
 * the database parses and plans each distinct statement once per connection instead of on every
 * execution (planning the order CTEs costs more than running them). The name is a hash of the SQL
 * text; past a bound per connection, new texts run unprepared so odd query shapes cannot grow the
 * server's memory without end.
 */
export function preparingQuery(query) {
  const prepared = new Set();
  return (text, values) => {
    if (typeof text !== 'string' || !values?.length) return query(text, values);
    const name = statementName(text);
    if (!prepared.has(name)) {
      if (prepared.size >= MAX_PREPARED_PER_CONNECTION) return query(text, values);
      prepared.add(name);
    }
    return query({ name, text, values });
  };
}

/** Statement names by SQL text, for all connections: a map lookup per query instead of a SHA-1. */
const names = new Map();
const MAX_NAMES = 10_000;

function statementName(text) {
  let name = names.get(text);
  if (name === undefined) {
    name = `k${createHash('sha1').update(text).digest('base64url')}`;
    if (names.size < MAX_NAMES) names.set(text, name);
  }
  return name;
}
