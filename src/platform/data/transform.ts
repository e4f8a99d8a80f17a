/**
 * @module platform/data/transform
 * Changes that make a new version from an existing one: re-splitting and filtering. The parent version is never
 * touched; each new version records its parent and what changed.
 */
import { SlingError } from '../../core/errors.ts';
import type { NewRow } from '../store/dataset-repository.ts';
import type { DatasetVersion, Split, StoredRow } from '../store/records.ts';
import type { Store } from '../store/store.ts';
import { resolveVersion } from './resolve.ts';
import { assignMissingSplits, DEFAULT_TEST_FRACTION, type SplitOptions } from './split.ts';

/** New version with the same rows, split again (rows whose split came from the source keep it). */
export async function resplit(store: Store, reference: string, options: SplitOptions = {}): Promise<DatasetVersion> {
  return store.transaction(async (tx) => {
    const { dataset, version: parent } = await resolveVersion(tx, reference);
    const fraction = options.testFraction ?? DEFAULT_TEST_FRACTION;
    if (!(fraction >= 0 && fraction <= 1)) {
      throw new SlingError('invalid_option', `test fraction must be between 0 and 1, got ${fraction}`, { field: 'test-fraction' });
    }
    const change = `split ${Math.round(fraction * 1000) / 10}% test, seed ${options.seed ?? 0} (from v${parent.version})`;
    const version = await tx.datasets.createVersion(dataset.id, parent.id, change);
    await tx.datasets.copyRows(parent.id, version.id);
    await tx.datasets.clearUnfixedSplits(version.id);
    await assignMissingSplits(tx, version.id, options);
    return tx.datasets.finishVersion(version.id);
  });
}

export interface RowFilter {
  /** Keep rows whose metadata[key] equals the value (compared as strings). All pairs must match. */
  metadata?: Record<string, string>;
  minChars?: number;
  maxChars?: number;
  split?: Split;
  label?: string;
}

export function matchesFilter(row: StoredRow, filter: RowFilter): boolean {
  if (filter.split && row.split !== filter.split) return false;
  if (filter.label !== undefined && row.label !== filter.label) return false;
  if (filter.minChars !== undefined && row.charCount < filter.minChars) return false;
  if (filter.maxChars !== undefined && row.charCount > filter.maxChars) return false;
  for (const [key, value] of Object.entries(filter.metadata ?? {})) {
    const actual = row.metadata[key];
    if (actual === undefined || actual === null || String(actual) !== value) return false;
  }
  return true;
}

export function describeFilter(filter: RowFilter): string {
  const parts = Object.entries(filter.metadata ?? {}).map(([key, value]) => `${key}=${value}`);
  if (filter.minChars !== undefined) parts.push(`chars>=${filter.minChars}`);
  if (filter.maxChars !== undefined) parts.push(`chars<=${filter.maxChars}`);
  if (filter.split) parts.push(`split=${filter.split}`);
  if (filter.label !== undefined) parts.push(`label=${filter.label}`);
  return parts.join(', ') || 'everything';
}

/** New version keeping only the rows that match `filter`. An empty result is refused. */
export async function filterRows(store: Store, reference: string, filter: RowFilter): Promise<DatasetVersion> {
  return store.transaction(async (tx) => {
    const { dataset, version: parent } = await resolveVersion(tx, reference);
    const version = await tx.datasets.createVersion(dataset.id, parent.id, `filter ${describeFilter(filter)} (from v${parent.version})`);
    let batch: NewRow[] = [];
    let kept = 0;
    for await (const row of tx.datasets.iterateRows(parent.id)) {
      if (!matchesFilter(row, filter)) continue;
      batch.push(row);
      if (batch.length >= 500) {
        kept += await tx.datasets.insertRows(version.id, batch);
        batch = [];
      }
    }
    kept += await tx.datasets.insertRows(version.id, batch);
    if (kept === 0) {
      throw new SlingError('empty_result', `no row of ${dataset.name} v${parent.version} matches ${describeFilter(filter)}`);
    }
    return tx.datasets.finishVersion(version.id);
  });
}
