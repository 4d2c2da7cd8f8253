import { type Kysely, sql } from 'kysely';

/**
 * Runs a migration's SQL one statement at a time: PGlite's extended protocol takes a single statement
 * per query. Statements are separated by a semicolon at the end of a line.
 */
export async function runSql(db: Kysely<unknown>, text: string): Promise<void> {
  for (const statement of text.split(/;\s*$/m)) {
    const trimmed = statement.trim();
    if (trimmed) await sql.raw(trimmed).execute(db);
  }
}
