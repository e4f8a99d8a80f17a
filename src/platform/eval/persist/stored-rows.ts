/**
 * @module platform/eval/persist/stored-rows
 * Reads a dataset version's rows from the store as evaluation rows, each with its stable id (the row's
 * content hash), which is how stored evaluation outputs refer back to dataset rows.
 */
import { SlingError } from '../../../core/errors.ts';
import { resolveVersion } from '../../data/resolve.ts';
import type { Split } from '../../store/records.ts';
import type { Store } from '../../store/store.ts';
import type { EvalRow } from '../eval-row.ts';
import { randomInt, seededRandom } from '../random.ts';

export interface IdentifiedRows {
  datasetName: string;
  versionId: number;
  version: number;
  rows: EvalRow[];
  rowIds: string[];
}

export interface RowSelection {
  /** The first n rows (file order). */
  limit?: number;
  /** n rows drawn at random without replacement (seeded), kept in file order; files are often sorted by label. */
  sample?: number;
  seed?: number;
}

export async function loadDatasetRows(store: Store, reference: string, split: Split, selection: RowSelection | number = {}): Promise<IdentifiedRows> {
  const { limit, sample, seed } = typeof selection === 'number' ? { limit: selection, sample: undefined, seed: undefined } : selection;
  const { dataset, version } = await resolveVersion(store, reference);
  const rows: EvalRow[] = [];
  const rowIds: string[] = [];
  for await (const stored of store.datasets.iterateRows(version.id, { split })) {
    if (limit !== undefined && rows.length >= limit) break;
    rows.push({ messages: stored.messages, split, label: stored.label ?? undefined, metadata: stored.metadata });
    rowIds.push(stored.contentHash);
  }
  if (rows.length === 0 && split === 'test') {
    throw new SlingError('eval_no_test_rows', `dataset ${dataset.name}@${version.version} has no test rows`, {
      hint: `re-split it with a test share, e.g. \`sling data split ${dataset.name} --test 0.2\``,
    });
  }
  if (sample !== undefined && sample < rows.length) {
    // Partial Fisher-Yates over the indices, then back to file order.
    const random = seededRandom(seed ?? 0);
    const indices = rows.map((_, index) => index);
    for (let i = 0; i < sample; i++) {
      const j = i + randomInt(random, indices.length - i);
      [indices[i], indices[j]] = [indices[j], indices[i]];
    }
    const chosen = indices.slice(0, sample).sort((a, b) => a - b);
    return { datasetName: dataset.name, versionId: version.id, version: version.version, rows: chosen.map((i) => rows[i]), rowIds: chosen.map((i) => rowIds[i]) };
  }
  return { datasetName: dataset.name, versionId: version.id, version: version.version, rows, rowIds };
}
