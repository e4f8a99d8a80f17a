/**
 * @module platform/store/postgres-driver
 * PostgreSQL through a `pg` pool. A transaction checks out one client and hands the work a runner bound to it.
 */
import pg from 'pg';
import { toPostgresPlaceholders, type SqlDriver, type SqlRunner, type SqlValue } from './sql-driver.ts';

// BIGINT (oid 20) holds millisecond timestamps and counts, all far below 2^53: read them as numbers, not strings.
const BIGINT_OID = 20;
const typeParsers = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === BIGINT_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
};

type Queryable = pg.Pool | pg.PoolClient;

function runnerOn(client: Queryable, transaction: SqlRunner['transaction']): SqlRunner {
  return {
    dialect: 'postgres',
    query: async <Row>(sql: string, params: SqlValue[] = []) =>
      (await client.query(toPostgresPlaceholders(sql), params)).rows as Row[],
    run: async (sql: string, params: SqlValue[] = []) =>
      (await client.query(toPostgresPlaceholders(sql), params)).rowCount ?? 0,
    exec: async (sql: string) => void (await client.query(sql)),
    transaction,
  };
}

export class PostgresDriver implements SqlDriver {
  readonly dialect = 'postgres' as const;
  private readonly pool: pg.Pool;
  private readonly runner: SqlRunner;

  /** `schema`, when given, becomes the search_path (the test suite uses one throwaway schema per run). */
  constructor(connectionString: string, schema?: string) {
    // Only set `options` when asked: an explicit value would replace `?options=` given in the URL.
    this.pool = new pg.Pool({
      connectionString,
      types: typeParsers,
      max: 4,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    // An idle pooled connection dropped by a database restart is reported here; without a listener Node exits.
    // The next query opens a fresh connection, so there is nothing to do but not crash.
    this.pool.on('error', () => undefined);
    this.runner = runnerOn(this.pool, (work) => this.transaction(work));
  }

  query<Row = Record<string, unknown>>(sql: string, params?: SqlValue[]): Promise<Row[]> {
    return this.runner.query<Row>(sql, params);
  }

  run(sql: string, params?: SqlValue[]): Promise<number> {
    return this.runner.run(sql, params);
  }

  exec(sql: string): Promise<void> {
    return this.runner.exec(sql);
  }

  async transaction<T>(work: (runner: SqlRunner) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    const runner: SqlRunner = runnerOn(client, (nested) => nested(runner));
    try {
      await client.query('BEGIN');
      const result = await work(runner);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
