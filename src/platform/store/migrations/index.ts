/** @module platform/store/migrations — every migration, oldest first. Add new ones at the end. */
import { initial } from './001-initial.ts';
import type { Migration } from './migration.ts';
import { sweeps } from './002-sweeps.ts';
import { servingColumns } from './003-serving-columns.ts';

export const migrations: Migration[] = [initial, sweeps, servingColumns];
export type { Migration };
