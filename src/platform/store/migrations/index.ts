/** @module platform/store/migrations — every migration, oldest first. Add new ones at the end. */
import { initial } from './001-initial.ts';
import type { Migration } from './migration.ts';

export const migrations: Migration[] = [initial];
export type { Migration };
