import type { Db, Trx } from './database.js';

// serialization_failure and deadlock_detected: the transaction did nothing and can run again.
const RETRYABLE = new Set(['40001', '40P01']);

/**
 * Runs `work` in one transaction, retrying it a few times when PostgreSQL aborted it for a
 * serialization failure or a deadlock (graphile-worker does the same).
 */
export async function inTransaction<T>(db: Db, work: (trx: Trx) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(work);
    } catch (error) {
      if (!isRetryable(error) || attempt >= 5) throw error;
      await new Promise((r) => setTimeout(r, 5 * attempt + Math.random() * 10));
    }
  }
}

/** PostgreSQL undid the work for a serialization failure or a deadlock: running it again is safe. */
export function isRetryable(error: unknown): boolean {
  return RETRYABLE.has((error as { code?: string }).code ?? '');
}

/**
 * Runs `read` in one read-only repeatable-read transaction, so all its queries see one snapshot: parts
 * read on separate connections could show a row without another that one transaction wrote with it.
 */
export function inSnapshot<T>(db: Db, read: (trx: Trx) => Promise<T>): Promise<T> {
  return db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(read);
}
