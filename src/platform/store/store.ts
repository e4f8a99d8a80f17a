/**
 * @module platform/store/store
 * The one store interface. It is the same class on SQLite and PostgreSQL: repositories are written once against
 * `SqlRunner`, and the driver underneath supplies the dialect. Open it with `openStore`.
 *
 *   const store = await openStore({ sqlitePath: 'sling.db' });      // or { databaseUrl: 'postgres://...' }
 *   await store.transaction(async (tx) => { await tx.datasets.createDataset('spam'); ... });
 */
import { DatasetRepository } from './dataset-repository.ts';
import { EvaluationRepository } from './evaluation-repository.ts';
import { JobRepository } from './job-repository.ts';
import { migrate, type MigrationReport } from './migrate.ts';
import { migrations as allMigrations, type Migration } from './migrations/index.ts';
import { ModelRepository } from './model-repository.ts';
import { PostgresDriver } from './postgres-driver.ts';
import { ServingRepository } from './serving-repository.ts';
import type { Dialect, SqlDriver, SqlRunner } from './sql-driver.ts';
import { SqliteDriver } from './sqlite-driver.ts';

export class Store {
  readonly dialect: Dialect;
  readonly datasets: DatasetRepository;
  readonly jobs: JobRepository;
  readonly models: ModelRepository;
  readonly evaluations: EvaluationRepository;
  readonly serving: ServingRepository;

  constructor(
    private readonly sql: SqlRunner,
    private readonly driver?: SqlDriver,
    /** What opening did to the schema (only on the top-level store). */
    readonly migration?: MigrationReport,
  ) {
    this.dialect = sql.dialect;
    this.datasets = new DatasetRepository(sql);
    this.jobs = new JobRepository(sql);
    this.models = new ModelRepository(sql);
    this.evaluations = new EvaluationRepository(sql);
    this.serving = new ServingRepository(sql);
  }

  /**
   * Runs `work` with a store bound to one transaction: everything it writes is committed together, or nothing is
   * if it throws. Calling transaction on `tx` again joins the same transaction.
   */
  transaction<T>(work: (tx: Store) => Promise<T>): Promise<T> {
    return this.sql.transaction((runner) => work(new Store(runner)));
  }

  /** Raw SQL access for the rare query no repository offers (reports, tests). Use `?` placeholders. */
  get runner(): SqlRunner {
    return this.sql;
  }

  async close(): Promise<void> {
    await this.driver?.close();
  }
}

export interface StoreLocation {
  /** SQLite file (or ':memory:'). */
  sqlitePath?: string;
  /** `postgres://...`: use PostgreSQL instead. */
  databaseUrl?: string;
  /** PostgreSQL schema to use (search_path); tests use a throwaway one. */
  postgresSchema?: string;
  /** Only tests pass this, to simulate older or newer code. */
  migrations?: Migration[];
  /** The workspace folder: migrations adopt files the workspace kept there before the schema had room for them. */
  workspaceRoot?: string;
}

/** Opens (and migrates) the store. Fails with `workspace_too_new` if the database is newer than this code. */
export async function openStore(location: StoreLocation): Promise<Store> {
  const driver: SqlDriver = location.databaseUrl
    ? new PostgresDriver(location.databaseUrl, location.postgresSchema)
    : new SqliteDriver(location.sqlitePath ?? ':memory:');
  try {
    const report = await migrate(driver, location.migrations ?? allMigrations, { workspaceRoot: location.workspaceRoot ?? null });
    return new Store(driver, driver, report);
  } catch (error) {
    await driver.close();
    throw error;
  }
}
