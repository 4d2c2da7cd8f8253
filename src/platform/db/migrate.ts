import { type Kysely, type MigrationResultSet, Migrator } from 'kysely';
import { migrations } from './migrations/index.js';

/** Brings the schema up to date; Kysely's migrator holds an advisory lock so processes may race. */
// biome-ignore lint/suspicious/noExplicitAny: the migrator works on any schema
export async function migrateToLatest(db: Kysely<any>, schema = 'public'): Promise<MigrationResultSet> {
  const migrator = new Migrator({
    db,
    // Named explicitly: otherwise Kysely finds a migration table in any schema, and tests use many.
    migrationTableSchema: schema,
    provider: { getMigrations: async () => migrations },
  });
  const result = await migrator.migrateToLatest();
  if (result.error) throw result.error;
  return result;
}
