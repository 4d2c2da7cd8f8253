import type { Db } from '../../platform/db/database.js';
import { insertRefusals } from './market-rules.repository.js';

export type RefusalRow = { ruleId: string; reason: string; at: Date };

/**
 * Counts market-rule refusals in compliance_outcomes at once, so every process and a restart see them.
 * Not in the placement's transaction, which the refusal rolls back: its own statement on the database,
 * not awaited by the placement, which holds its connection (PGlite's only one) until it answers; it runs
 * as soon as that connection is free. A write that fails is kept and written again by `flush` (the job,
 * the report, and the app's close, so a process that stops loses no count).
 */
export class RefusalWriter {
  readonly #db: Db;
  readonly #writing = new Set<Promise<void>>();
  #failed: RefusalRow[] = [];

  constructor(db: Db) {
    this.#db = db;
  }

  count(row: RefusalRow): void {
    const write = insertRefusals(this.#db, [row]).catch(() => {
      this.#failed.push(row);
    });
    this.#writing.add(write);
    void write.finally(() => this.#writing.delete(write));
  }

  /** Waits for the writes on their way, and writes again those that failed; how many it wrote again. */
  async flush(): Promise<number> {
    await Promise.all(this.#writing);
    const batch = this.#failed.splice(0, this.#failed.length);
    try {
      await insertRefusals(this.#db, batch);
    } catch (error) {
      this.#failed.unshift(...batch);
      throw error;
    }
    return batch.length;
  }
}
