/**
 * @module platform/store/migrate
 * Brings a database up to the code's schema. Applied versions are recorded in `schema_migrations`; pending ones
 * run in one transaction, so a failure leaves the old schema untouched. A database that already has a version
 * this code does not know is refused: writing to it could corrupt data the newer Sling relies on.
 */
import { SlingError } from '../../core/errors.ts';
import type { Migration } from './migrations/migration.ts';
import type { SqlDriver } from './sql-driver.ts';

// Any constant works: it only has to be the same in every process that migrates this database.
const POSTGRES_MIGRATION_LOCK = 7_311_402;

export interface MigrationReport {
  from: number;
  to: number;
  applied: number[];
}

export async function migrate(driver: SqlDriver, migrations: Migration[]): Promise<MigrationReport> {
  const latest = migrations.reduce((max, migration) => Math.max(max, migration.version), 0);
  await driver.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
  );
  return driver.transaction(async (runner) => {
    if (runner.dialect === 'postgres') {
      await runner.query('SELECT pg_advisory_xact_lock(?)', [POSTGRES_MIGRATION_LOCK]);
    }
    const rows = await runner.query<{ version: number }>('SELECT version FROM schema_migrations');
    const applied = new Set(rows.map((row) => Number(row.version)));
    const current = Math.max(0, ...applied);
    if (current > latest) {
      throw new SlingError(
        'workspace_too_new',
        `the database is at schema version ${current}, but this Sling only knows versions up to ${latest}`,
        { hint: 'upgrade Sling (npm install -g sling@latest) before using this workspace' },
      );
    }
    const pending = migrations.filter((migration) => !applied.has(migration.version));
    for (const migration of pending.sort((a, b) => a.version - b.version)) {
      await runner.exec(migration.sql(runner.dialect));
      await runner.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [
        migration.version,
        migration.name,
        Date.now(),
      ]);
    }
    return { from: current, to: Math.max(current, latest), applied: pending.map((migration) => migration.version) };
  });
}
