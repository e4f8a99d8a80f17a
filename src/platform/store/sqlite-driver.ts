/**
 * @module platform/store/sqlite-driver
 * SQLite through better-sqlite3. The library is synchronous, so the async surface is a thin wrapper; the only
 * real work is a queue that keeps other callers out while an async transaction is open on the one connection.
 */
import Database from 'better-sqlite3';
import { AsyncLocalStorage } from 'node:async_hooks';
import type { SqlDriver, SqlRunner, SqlValue } from './sql-driver.ts';

export class SqliteDriver implements SqlDriver {
  readonly dialect = 'sqlite' as const;
  private readonly database: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  /** Resolves when the current transaction (if any) has finished. */
  private gate: Promise<void> = Promise.resolve();
  private inTransaction = false;
  /**
   * Marks the async work running inside the open transaction, so a call that reaches this driver through the
   * top-level store from inside that work joins the transaction instead of waiting for it forever.
   */
  private readonly transactionContext = new AsyncLocalStorage<object>();
  private currentTransaction: object | undefined;

  constructor(path: string) {
    this.database = new Database(path);
    // WAL lets readers run beside the one writer; busy_timeout makes a second process (another worker) wait
    // for the write lock instead of failing at once.
    this.database.pragma('journal_mode = WAL');
    this.database.pragma('busy_timeout = 10000');
    this.database.pragma('foreign_keys = ON');
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.database.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** The runner handed to transaction work: bypasses the queue, and nested transactions join this one. */
  private direct(): SqlRunner {
    const runner: SqlRunner = {
      dialect: this.dialect,
      query: async <Row>(sql: string, params: SqlValue[] = []) => this.statement(sql).all(...params) as Row[],
      run: async (sql: string, params: SqlValue[] = []) => this.statement(sql).run(...params).changes,
      exec: async (sql: string) => void this.database.exec(sql),
      transaction: (work) => work(runner),
    };
    return runner;
  }

  async query<Row = Record<string, unknown>>(sql: string, params: SqlValue[] = []): Promise<Row[]> {
    await this.waitForTransaction();
    return this.statement(sql).all(...params) as Row[];
  }

  async run(sql: string, params: SqlValue[] = []): Promise<number> {
    await this.waitForTransaction();
    return this.statement(sql).run(...params).changes;
  }

  async exec(sql: string): Promise<void> {
    await this.waitForTransaction();
    this.database.exec(sql);
  }

  private async waitForTransaction(): Promise<void> {
    while (this.inTransaction && this.transactionContext.getStore() !== this.currentTransaction) await this.gate;
  }

  async transaction<T>(work: (runner: SqlRunner) => Promise<T>): Promise<T> {
    await this.waitForTransaction();
    if (this.inTransaction) return work(this.direct()); // called from inside the open transaction: join it
    // IMMEDIATE takes the write lock up front, so two processes never deadlock upgrading a read lock.
    // (If another process holds it past busy_timeout this throws, before any state below is set.)
    this.database.exec('BEGIN IMMEDIATE');
    this.inTransaction = true;
    const token = {};
    this.currentTransaction = token;
    let release!: () => void;
    this.gate = new Promise((resolve) => (release = resolve));
    try {
      const result = await this.transactionContext.run(token, () => work(this.direct()));
      this.database.exec('COMMIT');
      return result;
    } catch (error) {
      this.database.exec('ROLLBACK');
      throw error;
    } finally {
      this.inTransaction = false;
      this.currentTransaction = undefined;
      release();
    }
  }

  async close(): Promise<void> {
    await this.waitForTransaction();
    this.database.close();
  }
}
