/**
 * @module platform/eval/datasets/shared-data
 * Where the project's shared real datasets live: `../shared/data` next to the repository root.
 * Tests and benchmarks resolve it from here and skip with a clear message when it is absent.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SHARED_DATA_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../../shared/data');

export function sharedDataPath(...parts: string[]): string | undefined {
  const path = join(SHARED_DATA_DIR, ...parts);
  return existsSync(path) ? path : undefined;
}
