/**
 * @module platform/store/sql-driver
 * The small SQL surface the store is written against. The SQLite and PostgreSQL drivers implement it, so every
 * repository is written once with `?` placeholders and dialect-neutral SQL; only DDL and row locking differ.
 */

export type Dialect = 'sqlite' | 'postgres';

export type SqlValue = string | number | bigint | null | Buffer;

export interface SqlRunner {
  readonly dialect: Dialect;
  /** Runs a statement that returns rows (SELECT, or INSERT/UPDATE ... RETURNING). */
  query<Row = Record<string, unknown>>(sql: string, params?: SqlValue[]): Promise<Row[]>;
  /** Runs a statement and returns how many rows it changed. */
  run(sql: string, params?: SqlValue[]): Promise<number>;
  /** Runs several `;`-separated statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /**
   * Runs `work` inside one transaction: commits if it resolves, rolls back if it throws. Nested calls join the
   * outer transaction, so a repository method that uses a transaction still composes inside a larger one.
   */
  transaction<T>(work: (runner: SqlRunner) => Promise<T>): Promise<T>;
}

export interface SqlDriver extends SqlRunner {
  close(): Promise<void>;
}

/** Rewrites `?` placeholders to PostgreSQL's `$1, $2, ...`. Our SQL never has `?` inside string literals. */
export function toPostgresPlaceholders(sql: string): string {
  let index = 0;
  return sql.replace(/\?/g, () => `$${++index}`);
}
