import { type Kysely, type Migration, type MigrationResultSet, Migrator } from 'kysely';
import type { Module } from '../module.js';

/** Every module's migrations in one map, by name; a name used twice is a mistake, caught here. */
export function migrationsOf(
  modules: ReadonlyArray<Pick<Module, 'name' | 'migrations'>>,
): Record<string, Migration> {
  const all: Record<string, Migration> = {};
  for (const m of modules) {
    for (const [name, migration] of Object.entries(m.migrations ?? {})) {
      if (all[name]) throw new Error(`Migration ${name} of module ${m.name} is named like another`);
      all[name] = migration;
    }
  }
  return all;
}

/**
 * Brings the schema up to date with the modules' migrations, run together in name order (they are
 * timestamp-named); Kysely's migrator holds an advisory lock so processes may race.
 */
export async function migrateToLatest(
  // biome-ignore lint/suspicious/noExplicitAny: the migrator works on any schema
  db: Kysely<any>,
  modules: ReadonlyArray<Pick<Module, 'name' | 'migrations'>>,
  schema = 'public',
): Promise<MigrationResultSet> {
  const migrations = migrationsOf(modules);
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
