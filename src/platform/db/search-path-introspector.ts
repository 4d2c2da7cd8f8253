import {
  type DatabaseIntrospector,
  type DatabaseMetadata,
  type DatabaseMetadataOptions,
  type Kysely,
  PostgresDialect,
  PostgresIntrospector,
  type SchemaMetadata,
  sql,
  type TableMetadata,
} from 'kysely';

/**
 * Kysely's PostgreSQL introspector reads every table of every schema, naming each relation by text
 * (`pg_get_serial_sequence`, `has_schema_privilege`). The migrator asks it whether its own table
 * exists, so a migration fails when any other schema is dropped meanwhile (tests drop theirs while
 * other files migrate), and it grows slow on a database with many schemas. This one reads only the
 * schemas on the connection's search path, which is all OrderSync works in.
 */
export class SearchPathIntrospector implements DatabaseIntrospector {
  readonly #db: Kysely<unknown>;
  readonly #schemas: PostgresIntrospector;

  constructor(db: Kysely<unknown>) {
    this.#db = db;
    this.#schemas = new PostgresIntrospector(db);
  }

  getSchemas(): Promise<SchemaMetadata[]> {
    return this.#schemas.getSchemas();
  }

  async getTables(
    options: DatabaseMetadataOptions = { withInternalKyselyTables: false },
  ): Promise<TableMetadata[]> {
    const { rows } = await sql<{
      schema: string;
      table: string;
      is_view: boolean;
      column: string;
      type: string;
      type_schema: string;
      nullable: boolean;
      has_default: boolean;
      auto_incrementing: boolean;
      comment: string | null;
    }>`
      select c.table_schema as schema, c.table_name as table, t.table_type = 'VIEW' as is_view,
             c.column_name as column, c.udt_name as type, c.udt_schema as type_schema,
             c.is_nullable = 'YES' as nullable, c.column_default is not null as has_default,
             (c.is_identity = 'YES' or coalesce(c.column_default like 'nextval(%', false)) as auto_incrementing,
             null::text as comment
        from information_schema.columns c
        join information_schema.tables t using (table_schema, table_name)
       where c.table_schema = any (current_schemas(false))
       order by c.table_schema, c.table_name, c.ordinal_position`.execute(this.#db);
    const internal = new Set(['kysely_migration', 'kysely_migration_lock']);
    const tables = new Map<string, TableMetadata & { columns: TableMetadata['columns'][number][] }>();
    for (const row of rows) {
      if (!options.withInternalKyselyTables && internal.has(row.table)) continue;
      const key = `${row.schema}.${row.table}`;
      let table = tables.get(key);
      if (!table) {
        table = { name: row.table, schema: row.schema, isView: row.is_view, columns: [] };
        tables.set(key, table);
      }
      table.columns.push({
        name: row.column,
        dataType: row.type,
        dataTypeSchema: row.type_schema,
        isNullable: row.nullable,
        isAutoIncrementing: row.auto_incrementing,
        hasDefaultValue: row.has_default,
        comment: row.comment ?? undefined,
      });
    }
    return [...tables.values()];
  }

  async getMetadata(options?: DatabaseMetadataOptions): Promise<DatabaseMetadata> {
    return { tables: await this.getTables(options) };
  }
}

/** PostgreSQL through `pg`, introspecting only the search path (see SearchPathIntrospector). */
export class SearchPathPostgresDialect extends PostgresDialect {
  override createIntrospector(db: Kysely<unknown>): DatabaseIntrospector {
    return new SearchPathIntrospector(db);
  }
}
