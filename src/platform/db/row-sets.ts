import { type Insertable, type RawBuilder, sql } from 'kysely';
import type { Conn, Database } from './database.js';

/*
 * Sets of values and rows as one parameter, so that a statement's text is the same however many there
 * are. An `in ($1, …, $n)` list or a multi-row `values` is another statement for every n: Kysely builds
 * and compiles a node per value, node-postgres prepares each text anew (pg-client-policy.js), and
 * PostgreSQL parses and plans each. A relay round's consumers, whose batches vary in size every round,
 * spent more on that than on their rows.
 */

/** `any($1::uuid[])`, as in `.where('id', '=', anyUuid(ids))`. */
export const anyUuid = (ids: readonly string[]) => sql<string>`any(${ids}::uuid[])`;

/** `any($1::text[])`, as in `.where('sku', '=', anyText(skus))`. */
export const anyText = (values: readonly string[]) => sql<string>`any(${values}::text[])`;

/** Rows of `table`'s type from one JSON parameter: `json_populate_recordset(null::table, $rows)`. */
export const jsonRecords = (table: string, rows: readonly object[]): RawBuilder<unknown> =>
  sql`json_populate_recordset(null::${sql.table(table)}, ${JSON.stringify(rows)}::json)`;

/**
 * `insert into table (columns) select columns from json_populate_recordset(null::table, $rows)`, open
 * for `onConflict` and `returning`. The columns are those the rows give a value; a row without one of
 * them inserts null there, not the column's default, so the rows should all name the same columns. A
 * jsonb column (`jsonb`) takes the JSON text Kysely takes for it, parsed in the statement.
 */
export function insertRows<T extends keyof Database & string>(
  conn: Conn,
  table: T,
  rows: readonly Insertable<Database[T]>[],
  jsonb: readonly (keyof Database[T] & string)[] = [],
) {
  const columns = [
    ...new Set(
      rows.flatMap((row) =>
        Object.keys(row).filter((k) => (row as Record<string, unknown>)[k] !== undefined),
      ),
    ),
  ];
  const select = columns.map((c) =>
    jsonb.includes(c as keyof Database[T] & string)
      ? sql`(r.${sql.ref(c)} #>> '{}')::jsonb`
      : sql`r.${sql.ref(c)}`,
  );
  return conn
    .insertInto(table)
    .columns(columns as never)
    .expression(sql`select ${sql.join(select)} from ${jsonRecords(table, rows)} as r`);
}
