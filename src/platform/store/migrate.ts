/**
 * @module platform/store/migrate
 * Brings a database up to the code's schema. Applied versions are recorded in `schema_migrations`; pending ones
 * (their DDL, the statements that carry old rows over, and any legacy file they adopt) run in one transaction,
 * so a failure leaves the old schema and data untouched. A database that already has a version this code does
 * not know is refused: writing to it could corrupt data the newer Sling relies on.
 */
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { SlingError } from '../../core/errors.ts';
import type { Migration, MigrationContext } from './migrations/migration.ts';
import type { SqlDriver, SqlRunner } from './sql-driver.ts';

// Any constant works: it only has to be the same in every process that migrates this database.
const POSTGRES_MIGRATION_LOCK = 7_311_402;

export interface MigrationReport {
  from: number;
  to: number;
  applied: number[];
  /** Legacy files imported into the database (renamed to `<path>.imported` afterwards). */
  importedFiles: string[];
}

async function applyMigration(runner: SqlRunner, migration: Migration): Promise<void> {
  try {
    await runner.exec(migration.sql(runner.dialect));
    if (migration.carryOver) await runner.exec(migration.carryOver(runner.dialect));
  } catch (error) {
    if (SlingError.isInstance(error)) throw error;
    throw new SlingError(
      'migration_failed',
      `schema migration ${migration.version} (${migration.name}) failed on ${runner.dialect}: ${(error as Error).message}`,
      { hint: 'nothing was changed (the migration runs in one transaction); report this with the message above', cause: error },
    );
  }
  await runner.run('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)', [migration.version, migration.name, Date.now()]);
}

export async function migrate(
  driver: SqlDriver,
  migrations: Migration[],
  context: MigrationContext = { workspaceRoot: null },
): Promise<MigrationReport> {
  const latest = migrations.reduce((max, migration) => Math.max(max, migration.version), 0);
  await driver.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
  );
  const report = await driver.transaction(async (runner) => {
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
    const pending = migrations.filter((migration) => !applied.has(migration.version)).sort((a, b) => a.version - b.version);
    for (const migration of pending) await applyMigration(runner, migration);
    const importedFiles: string[] = [];
    for (const migration of migrations) {
      if (!migration.legacyFile || context.workspaceRoot === null) continue;
      const path = join(context.workspaceRoot, migration.legacyFile.name);
      if (!existsSync(path)) continue;
      await migration.legacyFile.import(runner, path);
      importedFiles.push(path);
    }
    return { from: current, to: Math.max(current, latest), applied: pending.map((migration) => migration.version), importedFiles };
  });
  for (const path of report.importedFiles) retire(path);
  return report;
}

/** Renames an imported file out of the way; another process that imported it too may have renamed it first. */
function retire(path: string): void {
  try {
    renameSync(path, `${path}.imported`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
