/**
 * @module platform/store/migrations/migration
 * A schema migration: a number, a name and its SQL for a dialect. Migrations only ever get added, never edited,
 * and `migrations/index.ts` lists them in order.
 */
import type { Dialect } from '../sql-driver.ts';

export interface Migration {
  version: number;
  name: string;
  sql(dialect: Dialect): string;
}
