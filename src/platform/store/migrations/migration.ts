/**
 * @module platform/store/migrations/migration
 * A schema migration: a number, a name and its SQL for a dialect. Migrations only ever get added, never edited,
 * and `migrations/index.ts` lists them in order. A migration may also adopt a file the workspace kept before
 * the schema had room for its contents (see LegacyFile).
 */
import type { Dialect, SqlRunner } from '../sql-driver.ts';

/** Where the database being migrated lives, for migrations that adopt files from the workspace folder. */
export interface MigrationContext {
  /** The workspace folder, or null when the store is opened on its own (tests, tools). */
  workspaceRoot: string | null;
}

/**
 * A file whose data moved into the database with this migration. It is imported inside the migration's
 * transaction and renamed to `<name>.imported` only after the commit, so a failed import loses nothing. It is
 * also adopted when found later, after the migration already ran (a fleet's database is often migrated from
 * another machine's workspace folder first); importing must therefore be idempotent.
 */
export interface LegacyFile {
  /** File name inside the workspace folder. */
  name: string;
  import(runner: SqlRunner, path: string): Promise<void>;
}

export interface Migration {
  version: number;
  name: string;
  sql(dialect: Dialect): string;
  /** Statements that carry existing rows over to the new columns (run right after `sql`, same transaction). */
  carryOver?(dialect: Dialect): string;
  legacyFile?: LegacyFile;
}
