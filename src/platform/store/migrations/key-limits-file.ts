/**
 * @module platform/store/migrations/key-limits-file
 * `api-key-limits.json`: where the first schema's server kept per-key rate limits (key prefix → requests per
 * minute). Migration 003 moves them to `api_keys.rate_limit_per_minute`. Entries for prefixes with no key are
 * dropped: the file was written before the key row, so a failed `sling keys create` could leave one behind.
 */
import { readFileSync } from 'node:fs';
import { SlingError } from '../../../core/errors.ts';
import type { SqlRunner } from '../sql-driver.ts';
import type { LegacyFile } from './migration.ts';

export const KEY_LIMITS_FILE = 'api-key-limits.json';

/** The file's limits, checked entry by entry: a bad one names the file and the key prefix. */
export function readKeyLimits(path: string): Map<string, number> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new SlingError('invalid_key_limits', `cannot read per-key rate limits: ${(error as Error).message}`, {
      file: path,
      hint: 'fix the JSON (an object from key prefix to requests per minute) or delete the file; the database was not changed',
    });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SlingError('invalid_key_limits', 'expected a JSON object from key prefix to requests per minute', { file: path });
  }
  const limits = new Map<string, number>();
  for (const [prefix, perMinute] of Object.entries(parsed)) {
    if (typeof perMinute !== 'number' || !Number.isFinite(perMinute) || perMinute < 0) {
      throw new SlingError('invalid_key_limits', `the limit ${JSON.stringify(perMinute)} is not a number of requests per minute (>= 0)`, {
        file: path,
        field: prefix,
        hint: 'fix or remove that entry; the database was not changed',
      });
    }
    limits.set(prefix, perMinute);
  }
  return limits;
}

export const keyLimitsFile: LegacyFile = {
  name: KEY_LIMITS_FILE,
  async import(runner: SqlRunner, path: string) {
    for (const [prefix, perMinute] of readKeyLimits(path)) {
      // Only where no limit is set yet: a file adopted late must not undo a limit changed since in the database.
      await runner.run('UPDATE api_keys SET rate_limit_per_minute = ? WHERE prefix = ? AND rate_limit_per_minute IS NULL', [perMinute, prefix]);
    }
  },
};
