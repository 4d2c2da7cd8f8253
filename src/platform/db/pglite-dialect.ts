import {
  CompiledQuery,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import type { PGliteThread } from './pglite-thread.js';

/**
 * Kysely over PGlite (on its own thread, see pglite-thread.ts). PGlite is one connection: statements
 * outside a transaction are sent as they come and run in arrival order, like autocommit statements on
 * a server; a transaction holds the connection alone from BEGIN to COMMIT, and statements that come
 * meanwhile wait for it. Same SQL as PostgreSQL; serialization is what makes its transactions safe.
 */
export class PGliteDialect implements Dialect {
  constructor(private readonly pglite: PGliteThread) {}
  createAdapter() {
    return new PostgresAdapter();
  }
  createDriver(): Driver {
    return new PGliteDriver(this.pglite);
  }
  createQueryCompiler() {
    return new PostgresQueryCompiler();
  }
  createIntrospector(db: Kysely<unknown>) {
    return new PostgresIntrospector(db);
  }
}

/**
 * Who may send to the one connection: any number of single statements at once, or one transaction
 * alone. Waiters are let in in arrival order, so a transaction is not starved by a stream of statements.
 */
class ConnectionTurns {
  #transaction = false;
  #waiters: Array<{ exclusive: boolean; enter: () => void }> = [];

  /**
   * Undefined when a single statement may be sent now (the caller sends it without yielding, so no
   * BEGIN can slip in between); otherwise resolves when it may.
   */
  statement(): Promise<void> | undefined {
    if (!this.#transaction && this.#waiters.length === 0) return undefined;
    return new Promise<void>((enter) => this.#waiters.push({ exclusive: false, enter }));
  }

  /** Resolves when a transaction may begin; statements sent before it run first (arrival order). */
  async beginTransaction(): Promise<void> {
    if (!this.#transaction && this.#waiters.length === 0) {
      this.#transaction = true;
      return;
    }
    await new Promise<void>((enter) => this.#waiters.push({ exclusive: true, enter }));
  }

  endTransaction(): void {
    this.#transaction = false;
    while (this.#waiters.length > 0 && !this.#transaction) {
      const next = this.#waiters.shift()!;
      if (next.exclusive) this.#transaction = true;
      next.enter();
    }
  }
}

class PGliteConnection implements DatabaseConnection {
  inTransaction = false;
  constructor(
    private readonly pglite: PGliteThread,
    private readonly turns: ConnectionTurns,
  ) {}
  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const turn = this.inTransaction ? undefined : this.turns.statement();
    if (turn) await turn;
    const result = await this.pglite.query<R>(query.sql, query.parameters);
    return {
      rows: result.rows,
      numAffectedRows: result.affectedRows === undefined ? undefined : BigInt(result.affectedRows),
    };
  }
  // biome-ignore lint/correctness/useYield: streaming is not offered by PGlite's query API
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('PGlite does not stream query results');
  }
}

class PGliteDriver implements Driver {
  readonly #turns = new ConnectionTurns();
  constructor(private readonly pglite: PGliteThread) {}
  async init() {
    await this.pglite.waitReady;
  }
  async acquireConnection() {
    return new PGliteConnection(this.pglite, this.#turns);
  }
  async beginTransaction(conn: DatabaseConnection, settings: TransactionSettings) {
    await this.#turns.beginTransaction();
    (conn as PGliteConnection).inTransaction = true;
    const level = settings.isolationLevel ? ` isolation level ${settings.isolationLevel}` : '';
    try {
      await conn.executeQuery(CompiledQuery.raw(`begin${level}`));
    } catch (error) {
      this.#end(conn);
      throw error;
    }
  }
  async commitTransaction(conn: DatabaseConnection) {
    try {
      await conn.executeQuery(CompiledQuery.raw('commit'));
    } finally {
      this.#end(conn);
    }
  }
  async rollbackTransaction(conn: DatabaseConnection) {
    try {
      await conn.executeQuery(CompiledQuery.raw('rollback'));
    } finally {
      this.#end(conn);
    }
  }
  async releaseConnection() {}
  async destroy() {
    await this.pglite.close();
  }
  /** Once per transaction: Kysely may roll back after a failed commit. */
  #end(conn: DatabaseConnection) {
    const c = conn as PGliteConnection;
    if (!c.inTransaction) return;
    c.inTransaction = false;
    this.#turns.endTransaction();
  }
}
